// Mongo implementation of the remembered-device port; every lookup checks expiry itself (checklist 48).
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { DevicePort } from '../../services/account/devices.js';

export function mongoDevices({ RememberedDevice }: Models): DevicePort {
  return {
    async insert(userId, hash, expiresAt, meta) {
      await RememberedDevice.create({ userId: new Types.ObjectId(userId), hash, expiresAt, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null });
    },
    async touchValid(userId, hash, now) {
      const res = await RememberedDevice.updateOne(
        { userId: new Types.ObjectId(userId), hash, expiresAt: { $gt: now } },
        { $set: { lastUsedAt: now } },
      );
      return res.matchedCount === 1;
    },
    async list(userId, now) {
      const docs = await RememberedDevice.find({ userId: new Types.ObjectId(userId), expiresAt: { $gt: now } }).sort({ createdAt: -1 }).lean();
      return docs.map((d) => ({
        id: String(d._id),
        createdAt: d.createdAt,
        lastUsedAt: d.lastUsedAt ?? null,
        expiresAt: d.expiresAt,
        userAgent: d.userAgent ?? null,
        ip: d.ip ?? null,
      }));
    },
    async revoke(userId, id) {
      if (!isValidObjectId(id)) return false;
      const res = await RememberedDevice.deleteOne({ _id: new Types.ObjectId(id), userId: new Types.ObjectId(userId) });
      return res.deletedCount === 1;
    },
    async revokeAll(userId) {
      const res = await RememberedDevice.deleteMany({ userId: new Types.ObjectId(userId) });
      return res.deletedCount;
    },
  };
}
