// Mongo implementations of the small ports: audit events, and the account pages' wizard state.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import { idFor } from './idempotent-id.js';
import { auditWriterFor } from './audit-writer.js';
import type { AuditRecorder } from '../../services/audit/index.js';
import type { FlowState } from '../../flow/state.js';

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

const FLOW_TTL_MS = 60 * 60 * 1000;

export function mongoFlows({ FlowState: Flows }: Models) {
  return {
    async load(uid: string): Promise<FlowState | undefined> {
      const doc = await Flows.findOne({ _id: uid, expiresAt: { $gt: new Date() } }).lean();
      return doc ? (JSON.parse(doc.data) as FlowState) : undefined;
    },
    async save(state: FlowState): Promise<void> {
      await Flows.updateOne(
        { _id: state.uid },
        { $set: { data: JSON.stringify(state), expiresAt: new Date(Date.now() + FLOW_TTL_MS) } },
        { upsert: true },
      );
    },
    async remove(uid: string): Promise<void> {
      await Flows.deleteOne({ _id: uid });
    },
  };
}

export type FlowStore = ReturnType<typeof mongoFlows>;
