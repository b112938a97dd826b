// Mongo implementations of the small ports: failure counters, audit events, flow state.
import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../index.js';
import type { CounterPort } from '../../services/throttle/guard.js';
import type { AuditRecorder } from '../../services/audit/index.js';
import type { FlowState } from '../../flow/state.js';

const maybeOid = (id: string | null | undefined) => (id && isValidObjectId(id) ? new Types.ObjectId(id) : null);

export function mongoCounters({ FailureEvent, ConsumedMarker }: Models): CounterPort {
  const live = (key: string, now: Date) => ({ key, expiresAt: { $gt: now } });
  return {
    async get(key, now) {
      const failures = await FailureEvent.countDocuments(live(key, now));
      if (!failures) return undefined;
      const last = await FailureEvent.findOne(live(key, now)).sort({ at: -1 }).lean();
      // the failures were cleared (or expired) between the two reads
      if (!last) return undefined;
      return { failures, lastFailureAt: last.at };
    },
    async increment(key, now, expiresAt) {
      await FailureEvent.create({ key, at: now, expiresAt });
      return FailureEvent.countDocuments(live(key, now));
    },
    async reset(key) {
      await FailureEvent.deleteMany({ key });
    },
    async lock(key, now, until, owner) {
      for (let i = 0; i < 2; i++) {
        try {
          await ConsumedMarker.create({ _id: `lock:${key}`, owner, expiresAt: until });
          return true;
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
          // a lock left behind by a crashed request expires; take it over once
          await ConsumedMarker.deleteOne({ _id: `lock:${key}`, expiresAt: { $lte: now } });
        }
      }
      return false;
    },
    async unlock(key, owner) {
      // only the holder releases: a lock taken over after expiry belongs to someone else
      await ConsumedMarker.deleteOne({ _id: `lock:${key}`, owner });
    },
  };
}

export function mongoAudit({ AuditEvent }: Models): AuditRecorder {
  return {
    async record(e) {
      await AuditEvent.create({
        type: e.type,
        storeId: maybeOid(e.storeId),
        userId: maybeOid(e.userId),
        actorId: maybeOid(e.actorId),
        ip: e.ip ?? null,
        userAgent: e.userAgent?.slice(0, 300) ?? null,
        details: e.details ?? {},
      });
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
