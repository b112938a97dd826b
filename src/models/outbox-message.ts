// Outbox of notification emails (B6): written in the request that makes the change, sent and retried by the outbox worker.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

export const outboxMessageSchema = new Schema({
  type: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, default: null },
  storeId: { type: Schema.Types.ObjectId, default: null },
  to: { type: String, required: true },
  locale: { type: String, required: true },
  subject: { type: String, required: true },
  text: { type: String, required: true },
  html: { type: String, required: true },
  status: { type: String, enum: ['pending', 'sent'], required: true, default: 'pending' },
  // attempts made so far; a claim marker exists per (message, attempt)
  attempts: { type: Number, required: true, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  createdAt: { type: Date, required: true },
  sentAt: { type: Date, default: null },
  lastError: { type: String, default: null },
  // null while pending (never swept); set when sent, so delivered mail is kept a while for support, then swept
  expiresAt: { type: Date, default: null },
});
outboxMessageSchema.index({ status: 1, nextAttemptAt: 1 });
// the backlog's oldest message, for monitoring (src/metrics)
outboxMessageSchema.index({ status: 1, createdAt: 1 });

export type OutboxMessageDoc = InferSchemaType<typeof outboxMessageSchema> & { _id: Types.ObjectId };

export const outboxMessageModel = (conn: Connection) => conn.model('OutboxMessage', outboxMessageSchema, 'outbox_messages');
