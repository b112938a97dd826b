// Mongo implementation of the audit recorder.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import { idFor } from './idempotent-id.js';
import { auditWriterFor } from './audit-writer.js';
import type { AuditRecorder } from '../../services/audit/index.js';

const maybeOid = (id: string | null | undefined) => (id && isValidObjectId(id) ? new Types.ObjectId(id) : null);

export function mongoAudit({ AuditEvent }: Models): AuditRecorder {
  const writer = auditWriterFor(AuditEvent.collection);
  return {
    async record(e) {
      const doc = {
        _id: e.key ? idFor(`audit:${e.key}`) : new Types.ObjectId(),
        at: new Date(),
        type: e.type,
        storeId: maybeOid(e.storeId),
        userId: maybeOid(e.userId),
        actorId: maybeOid(e.actorId),
        ip: e.ip ?? null,
        userAgent: e.userAgent?.slice(0, 300) ?? null,
        details: e.details ?? {},
      };
      // with its buckets and any new period in the same insert; recorded before under this key: nothing to do
      await writer.insert([doc]);
    },
  };
}
