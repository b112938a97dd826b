// Writes audit events with their buckets, and the period documents they open, in one insert (src/models/stores/audit-periods.ts).
import { LRUCache } from 'lru-cache';
import type { mongo } from 'mongoose';
import { BUSY_DAY, placeOf, type Indexable, type PeriodDoc } from './audit-periods.js';
import { isDuplicate } from './idempotent-id.js';

// period ids this process has seen stored: a year of a busy deployment's days and keys, a few MB
const KNOWN_PERIODS = 100_000;

type Collection = mongo.Collection;
type WriteErrorLike = { index?: number; code?: number; err?: { index?: number; code?: number } };

export type WritableAuditEvent = Indexable & Record<string, unknown> & { b?: string[] };

export interface AuditWriter {
  /**
   * Inserts events (their `b` set here) after the period documents not known to exist, in one unordered insert, so a
   * period is stored before any event it lists. Returns the indexes of events already stored under their _id.
   */
  insert(events: WritableAuditEvent[]): Promise<number[]>;
  /** Sets `b` on each event and stores the periods they need, in a command of its own (events written elsewhere). */
  prepare(events: WritableAuditEvent[]): Promise<void>;
}

const writers = new WeakMap<Collection, AuditWriter>();

/** One writer per collection (per connection), so its cache of stored periods is shared by every path that writes. */
export function auditWriterFor(collection: Collection): AuditWriter {
  let writer = writers.get(collection);
  if (!writer) {
    writer = createAuditWriter(collection);
    writers.set(collection, writer);
  }
  return writer;
}

const errorsOf = (err: unknown): Array<{ index: number; duplicate: boolean }> | undefined => {
  const list = (err as { writeErrors?: WriteErrorLike[] | WriteErrorLike }).writeErrors;
  if (!list) return undefined;
  return (Array.isArray(list) ? list : [list]).map((e) => ({ index: e.index ?? e.err?.index ?? -1, duplicate: isDuplicate({ code: e.code ?? e.err?.code }) }));
};

function createAuditWriter(collection: Collection): AuditWriter {
  const known = new LRUCache<string, true>({ max: KNOWN_PERIODS });
  // events per day bucket written by this process (a restart starts again: a day is short next to a restart)
  const perDay = new LRUCache<string, number>({ max: KNOWN_PERIODS });
  const busy = (bucket: string) => {
    const n = (perDay.get(bucket) ?? 0) + 1;
    perDay.set(bucket, n);
    return n === BUSY_DAY;
  };

  function place(events: WritableAuditEvent[]): PeriodDoc[] {
    const needed = new Map<string, PeriodDoc>();
    for (const e of events) {
      const { buckets, periods } = placeOf(e, busy);
      e.b = buckets;
      for (const p of periods) if (!known.has(p._id)) needed.set(p._id, p);
    }
    return [...needed.values()];
  }
  const remember = (periods: PeriodDoc[]) => {
    for (const p of periods) known.set(p._id, true);
  };

  return {
    async insert(events) {
      const periods = place(events);
      try {
        await collection.insertMany([...periods, ...events] as mongo.OptionalId<mongo.Document>[], { ordered: false });
        remember(periods);
        return [];
      } catch (err) {
        const failed = errorsOf(err);
        // anything but a duplicate (a period stored before, an event recorded before under its key) is a real failure
        if (!failed || failed.some((f) => !f.duplicate || f.index < 0)) throw err;
        remember(periods);
        return failed.filter((f) => f.index >= periods.length).map((f) => f.index - periods.length);
      }
    },
    async prepare(events) {
      const periods = place(events);
      if (periods.length === 0) return;
      try {
        await collection.insertMany(periods as unknown as mongo.OptionalId<mongo.Document>[], { ordered: false });
      } catch (err) {
        const failed = errorsOf(err);
        if (!failed || failed.some((f) => !f.duplicate)) throw err;
      }
      remember(periods);
    },
  };
}
