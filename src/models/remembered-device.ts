// Remembered devices: hash of a random cookie token bound to one user, valid until expiresAt (B10).
import { Schema, type Connection } from 'mongoose';

export const rememberedDeviceSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true, index: true },
  hash: { type: String, required: true, unique: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
  lastUsedAt: { type: Date, default: null },
  expiresAt: { type: Date, required: true },
  userAgent: { type: String, default: null },
  ip: { type: String, default: null },
});

export const rememberedDeviceModel = (conn: Connection) =>
  conn.model('RememberedDevice', rememberedDeviceSchema, 'remembered_devices');
