// Audit event log: every security-relevant event, who did it, to whom, from where (B5).
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const auditEventSchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  type: { type: String, required: true },
  storeId: { type: Schema.Types.ObjectId, default: null },
  userId: { type: Schema.Types.ObjectId, default: null },
  actorId: { type: Schema.Types.ObjectId, default: null },
  ip: { type: String, default: null },
  userAgent: { type: String, default: null },
  details: { type: Schema.Types.Mixed, default: {} },
});
auditEventSchema.index({ storeId: 1, at: -1 });
auditEventSchema.index({ userId: 1, at: -1 });

export type AuditEventDoc = InferSchemaType<typeof auditEventSchema>;

export const auditEventModel = (conn: Connection) => conn.model('AuditEvent', auditEventSchema, 'audit_events');
