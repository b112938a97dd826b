// Outbox of back-channel logout deliveries (B16): written when a session ends, sent and retried by src/logout/worker.ts.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

export const logoutDeliverySchema = new Schema({
  clientId: { type: String, required: true },
  /** the logout token's sub (our account id) and the session id this client knows */
  accountId: { type: String, required: true },
  sid: { type: String, default: null },
  status: { type: String, enum: ['pending', 'sent', 'abandoned'], required: true, default: 'pending' },
  // attempts made so far; a claim marker exists per (delivery, attempt)
  attempts: { type: Number, required: true, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  createdAt: { type: Date, required: true },
  sentAt: { type: Date, default: null },
  lastError: { type: String, default: null },
  // null while pending (never swept); set when done, kept a while for support, then swept
  expiresAt: { type: Date, default: null },
});
logoutDeliverySchema.index({ status: 1, nextAttemptAt: 1 });

export type LogoutDeliveryDoc = InferSchemaType<typeof logoutDeliverySchema> & { _id: Types.ObjectId };

export const logoutDeliveryModel = (conn: Connection) => conn.model('LogoutDelivery', logoutDeliverySchema, 'logout_deliveries');
