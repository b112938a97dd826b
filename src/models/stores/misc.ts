// Mongo implementation of the audit recorder.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import { idFor, isDuplicate } from './idempotent-id.js';
import type { AuditRecorder } from '../../services/audit/index.js';

const maybeOid = (id: string | null | undefined) => (id && isValidObjectId(id) ? new Types.ObjectId(id) : null);

export function mongoAudit({ AuditEvent }: Models): AuditRecorder {
  return {
    async record(e) {
      const doc = {
        ...(e.key ? { _id: idFor(`audit:${e.key}`) } : {}),
        type: e.type,
        storeId: maybeOid(e.storeId),
        userId: maybeOid(e.userId),
        actorId: maybeOid(e.actorId),
        ip: e.ip ?? null,
        userAgent: e.userAgent?.slice(0, 300) ?? null,
        details: e.details ?? {},
      };
      try {
        await AuditEvent.create(doc);
      } catch (err) {
        // recorded before, under this key
        if (!(e.key && isDuplicate(err))) throw err;
      }
    },
  };
}
