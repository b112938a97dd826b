// Trusted registers (B19): a named till of a store, known by the hash of the secret in its register cookie.
import { Schema, type Connection } from 'mongoose';

export const registerSchema = new Schema({
  storeId: { type: Schema.Types.ObjectId, required: true },
  name: { type: String, required: true },
  // SHA-256 of the cookie's 256-bit secret; the secret itself is only ever in the register's browser
  secretHash: { type: String, required: true },
  createdBy: { type: Schema.Types.ObjectId, required: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
  revokedAt: { type: Date, default: null },
  lastSeenAt: { type: Date, default: null },
});

registerSchema.index({ secretHash: 1 }, { unique: true });
registerSchema.index({ storeId: 1, createdAt: 1 });

export const registerModel = (conn: Connection) => conn.model('Register', registerSchema, 'registers');
