// Mongo implementation of the recovery-code port: hashes only, each consumed once even under concurrent use (checklist 42, 86).
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Models } from '../index.js';
import type { RecoveryCodePort } from '../../services/mfa/index.js';
import { expiryBucket } from '../../db/expiry.js';

/**
 * A new batch counts only once the user's one write names it (src/services/mfa). A process killed in between leaves a
 * batch nobody names: each batch is stored pending, and once this grace has passed the sweeper settles it (kept when
 * it is the user's batch, else removed). An enrolment's two writes are milliseconds apart; this is far longer.
 */
export const PENDING_GRACE_MS = 10 * 60_000;

export function mongoRecoveryCodes({ RecoveryCode, ConsumedMarker, User }: Models, clock: () => Date = () => new Date()) {
  const port: RecoveryCodePort = {
    async insertBatch(userId, hashes) {
      const uid = new Types.ObjectId(userId);
      const batch = randomUUID();
      const pendingBucket = expiryBucket(new Date(clock().getTime() + PENDING_GRACE_MS));
      await RecoveryCode.insertMany(hashes.map((hash) => ({ userId: uid, hash, batch, pendingBucket })));
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
  return {
    ...port,
    /** Up to `limit` codes whose grace ended in minute `bucket`: settled when their batch is the user's, else removed. */
    async settle(bucket: number, limit: number): Promise<number> {
      const codes = await RecoveryCode.find({ pendingBucket: bucket }, { userId: 1, batch: 1 }).limit(limit).lean();
      const byUser = new Map<string, Set<string>>();
      for (const c of codes) byUser.set(String(c.userId), (byUser.get(String(c.userId)) ?? new Set()).add(c.batch));
      for (const [userId, batches] of byUser) {
        const uid = new Types.ObjectId(userId);
        const user = await User.findOne({ _id: uid }, { 'mfa.codesBatch': 1 }).lean<{ mfa?: { codesBatch?: string | null } }>();
        for (const batch of batches) {
          const filter = { userId: uid, batch, pendingBucket: bucket };
          if (user?.mfa?.codesBatch === batch) await RecoveryCode.updateMany(filter, { $set: { pendingBucket: null } });
          else await RecoveryCode.deleteMany(filter);
        }
      }
      return codes.length;
    },
  };
}
