// The outbox (B6, B16): emails and back-channel logout tokens, written in the request that makes the change, sent and
// retried by the outbox workers (src/outbox). One envelope for every kind; each kind's payload fields beside it.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import type { OutboxKind } from '../outbox/ports.js';

// every kind of src/outbox/ports.ts, no other (the compiler checks both ways)
const KINDS: Record<OutboxKind, true> = { mail: true, logout: true };

const outboxMessageSchema = new Schema({
  kind: { type: String, enum: Object.keys(KINDS), required: true },
  // mail: the rendered email
  type: { type: String },
  userId: { type: Schema.Types.ObjectId, default: null },
  storeId: { type: Schema.Types.ObjectId, default: null },
  to: { type: String },
  locale: { type: String },
  subject: { type: String },
  text: { type: String },
  html: { type: String },
  // logout: the client to tell, the token's sub and the ended session's id
  clientId: { type: String },
  accountId: { type: String },
  sid: { type: String, default: null },
  // withdrawn: a held notice taken back before it was due (its key stays taken until swept)
  status: { type: String, enum: ['pending', 'sent', 'abandoned', 'withdrawn'], required: true, default: 'pending' },
  // attempts made so far; a claim marker exists per (message, attempt)
  attempts: { type: Number, required: true, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  // when it was due to go first (a held notice: its sendAt), for the backlog
  createdAt: { type: Date, required: true },
  sentAt: { type: Date, default: null },
  lastError: { type: String, default: null },
  // null while pending (never swept); set when done, kept a while for support, then swept
  expiresAt: { type: Date, default: null },
});
// a worker's due items of its kind
outboxMessageSchema.index({ status: 1, kind: 1, nextAttemptAt: 1 });
// the backlog: what is due, and the oldest of it, for monitoring (src/metrics)
outboxMessageSchema.index({ status: 1, createdAt: 1 });

export type OutboxMessageDoc = InferSchemaType<typeof outboxMessageSchema> & { _id: Types.ObjectId };

export const outboxMessageModel = (conn: Connection) => conn.model('OutboxMessage', outboxMessageSchema, 'outbox_messages');
