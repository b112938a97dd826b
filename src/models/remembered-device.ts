// Remembered devices: hash of a random cookie token bound to one user, valid until expiresAt (B10).
import { Schema, type Connection } from 'mongoose';

export const rememberedDeviceSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  hash: { type: String, required: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
  lastUsedAt: { type: Date, default: null },
  expiresAt: { type: Date, required: true },
  userAgent: { type: String, default: null },
  ip: { type: String, default: null },
});

// unique per user (lookups always name the user), so it stays valid when the collection is sharded by userId
rememberedDeviceSchema.index({ userId: 1, hash: 1 }, { unique: true });

export const rememberedDeviceModel = (conn: Connection) =>
  conn.model('RememberedDevice', rememberedDeviceSchema, 'remembered_devices');
