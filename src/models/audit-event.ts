// Audit event log: every security-relevant event, who did it, to whom, from where (B5).
// The collection also holds the period documents `{_id, k}` that list which buckets hold events
// (src/models/stores/audit-periods.ts); they have no `type` or `at`, so no query for events matches them.
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { auditWriterFor, type WritableAuditEvent } from './stores/audit-writer.js';

export const auditEventSchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  type: { type: String, required: true },
  storeId: { type: Schema.Types.ObjectId, default: null },
  userId: { type: Schema.Types.ObjectId, default: null },
  actorId: { type: Schema.Types.ObjectId, default: null },
  ip: { type: String, default: null },
  userAgent: { type: String, default: null },
  details: { type: Schema.Types.Mixed, default: {} },
  // the buckets the event is found in; on period documents: the period they belong to
  b: { type: [String], default: undefined },
  k: { type: String },
});
auditEventSchema.index({ storeId: 1, at: -1 });
auditEventSchema.index({ userId: 1, at: -1 });
auditEventSchema.index({ b: 1 });
auditEventSchema.index({ k: 1 });

// Events written through the model (tests, tools) get their buckets and periods too; the recorder writes both in one
// insert itself (src/models/stores/misc.ts).
auditEventSchema.pre('insertMany', async function (this: Model<unknown>, docs: WritableAuditEvent | WritableAuditEvent[]) {
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) d.at ??= new Date();
  await auditWriterFor(this.collection).prepare(list);
});
auditEventSchema.pre('save', async function () {
  if (!this.isNew) return;
  const doc = this.toObject() as WritableAuditEvent;
  await auditWriterFor((this.constructor as Model<unknown>).collection).prepare([doc]);
  this.b = doc.b;
});

export type AuditEventDoc = InferSchemaType<typeof auditEventSchema>;

export const auditEventModel = (conn: Connection) => conn.model('AuditEvent', auditEventSchema, 'audit_events');
