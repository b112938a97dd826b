// Admin console sessions and pending admin sign-ins: only hashes of the browser's random ids are stored.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const adminSessionSchema = new Schema({
  // sha256 of the cookie value (a session) or of the OAuth state (a pending sign-in)
  _id: { type: String, required: true },
  kind: { type: String, enum: ['session', 'login'], required: true },
  userId: { type: Schema.Types.ObjectId, default: null, index: true },
  storeId: { type: Schema.Types.ObjectId, default: null },
  csrf: { type: String, default: null },
  // pending sign-in only: binds the callback to the browser that started it, plus the OIDC checks
  binding: { type: String, default: null },
  nonce: { type: String, default: null },
  verifier: { type: String, default: null },
  returnTo: { type: String, default: null },
  createdAt: { type: Date, required: true, default: () => new Date() },
  absoluteExpiresAt: { type: Date, required: true },
  // idle expiry, never after absoluteExpiresAt; every read filters expiresAt > now (no TTL reliance)
  expiresAt: { type: Date, required: true },
  ip: { type: String, default: null },
  userAgent: { type: String, default: null },
});

export type AdminSessionDoc = InferSchemaType<typeof adminSessionSchema>;

export const adminSessionModel = (conn: Connection) => conn.model('AdminSession', adminSessionSchema, 'admin_sessions');
