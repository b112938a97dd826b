// Mongo implementation of the recovery-code port: hashes only, each consumed once even under concurrent use (checklist 42, 86).
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../index.js';
import type { RecoveryCodePort } from '../../services/mfa/index.js';

export function mongoRecoveryCodes({ RecoveryCode, ConsumedMarker }: Models): RecoveryCodePort {
  return {
    async insertBatch(userId, hashes) {
      const uid = new Types.ObjectId(userId);
      const batch = randomUUID();
      await RecoveryCode.insertMany(hashes.map((hash) => ({ userId: uid, hash, batch })));
      return batch;
    },
    async dropOtherBatches(userId, keep) {
      await RecoveryCode.deleteMany({ userId: new Types.ObjectId(userId), batch: { $ne: keep } });
    },
    async consume(userId, hash, batch) {
      const uid = new Types.ObjectId(userId);
      const code = await RecoveryCode.findOne({ userId: uid, hash, ...(batch ? { batch } : {}), usedAt: null }).lean();
      if (!code) return false;
      // the unique marker decides the winner of concurrent submissions of the same code
      try {
        await ConsumedMarker.create({ _id: `recovery:${String(code._id)}`, expiresAt: new Date(Date.now() + 400 * 86_400_000) });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return false;
        throw err;
      }
      const res = await RecoveryCode.updateOne({ _id: code._id, usedAt: null }, { $set: { usedAt: new Date() } });
      return res.modifiedCount === 1;
    },
    async remaining(userId, batch) {
      return RecoveryCode.countDocuments({ userId: new Types.ObjectId(userId), ...(batch ? { batch } : {}), usedAt: null });
    },
    async clear(userId) {
      await RecoveryCode.deleteMany({ userId: new Types.ObjectId(userId) });
    },
  };
}
