// Mongo implementation of the temporary access pass port; using a pass is consume-once (a unique marker), like a code.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { AccessPassDoc } from '../access-pass.js';
import type { AccessPassPort, PassReason, PassRecord } from '../../services/access-passes/index.js';
import type { ConsumeOnce } from './consume-once.js';

const toRecord = (d: AccessPassDoc): PassRecord => ({
  id: String(d._id),
  reason: d.reason as PassReason,
  createdBy: d.createdBy ? String(d.createdBy) : null,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
});

export function mongoAccessPasses({ AccessPass }: Models, once: ConsumeOnce): AccessPassPort {
  const live = (userId: string, now: Date) => ({ userId: new Types.ObjectId(userId), usedAt: null, revokedAt: null, expiresAt: { $gt: now } });
  return {
    async insert(p) {
      const doc = await AccessPass.create({ ...p, userId: new Types.ObjectId(p.userId), storeId: new Types.ObjectId(p.storeId), createdBy: p.createdBy && isValidObjectId(p.createdBy) ? new Types.ObjectId(p.createdBy) : null });
      return String(doc._id);
    },
    async active(userId, now) {
      const docs = await AccessPass.find(live(userId, now)).sort({ createdAt: -1 }).lean<AccessPassDoc[]>();
      return docs.map(toRecord);
    },
    async findActive(userId, hash, now) {
      const doc = await AccessPass.findOne({ ...live(userId, now), hash }).lean<AccessPassDoc>();
      return doc ? toRecord(doc) : undefined;
    },
    async use(userId, id, now) {
      const found = await AccessPass.findOne({ _id: id, userId: new Types.ObjectId(userId) }).lean<AccessPassDoc>();
      if (!found || !(await once.claim({ key: `access-pass:${id}`, expiresAt: found.expiresAt }))) return false;
      await AccessPass.updateOne({ _id: id }, { $set: { usedAt: now } });
      return true;
    },
    async revoke(userId, id, now) {
      if (!isValidObjectId(id)) return false;
      const res = await AccessPass.updateOne({ _id: new Types.ObjectId(id), userId: new Types.ObjectId(userId), usedAt: null, revokedAt: null }, { $set: { revokedAt: now } });
      return res.modifiedCount === 1;
    },
  };
}
