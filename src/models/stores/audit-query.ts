// The audit log read in order: walk the non-empty periods of the filter's key, newest (or oldest) first, and read each
// bucket with the exact filter (src/models/stores/audit-periods.ts). Every read is one equality on `b` or `k`, which
// both MongoDB and the embedded FerretDB serve from an index, and no read returns more than a bucket's events.
import { Types, type mongo } from 'mongoose';
import { categoryOfPrefix, typeSelection, type AuditCategory } from '../../services/audit/categories.js';
import type { AuditCursor, AuditFilter, AuditQueryPort, AuditRecord } from '../../services/admin/ports.js';
import type { Models } from '../index.js';
import { dayBucket, dayOf, keyOf, monthBucket, monthOfDay, periodOf, yearOfMonth, yearPeriod } from './audit-periods.js';


type Filter = Record<string, unknown>;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oid = (id: string) => (/^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null);
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

interface AuditDoc {
  _id: Types.ObjectId;
  at: Date;
  type: string;
  storeId?: Types.ObjectId | null;
  userId?: Types.ObjectId | null;
  actorId?: Types.ObjectId | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown> | null;
}

const toAuditRecord = (d: AuditDoc): AuditRecord => ({
  id: String(d._id),
  at: d.at,
  type: d.type,
  storeId: str(d.storeId),
  userId: str(d.userId),
  actorId: str(d.actorId),
  ip: d.ip ?? null,
  userAgent: d.userAgent ?? null,
  details: d.details ?? {},
});

/** The exact conditions of a filter: what every bucket read applies to the events in the bucket. */
function conditionsOf(f: AuditFilter): Filter[] {
  const all: Filter[] = [{ storeId: oid(f.storeId) }];
  if (f.userId) {
    const user = oid(f.userId);
    all.push({ $or: [{ userId: user }, { actorId: user }] });
  }
  if (f.category) {
    const { prefixes, negate } = typeSelection(f.category);
    const start = new RegExp(`^(?:${prefixes.map(escapeRegex).join('|')})`);
    all.push({ type: negate ? { $not: start } : { $regex: start } });
  }
  if (f.type) all.push({ type: { $regex: `^${escapeRegex(f.type.slice(0, 100))}` } });
  if (f.from || f.to) all.push({ at: { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) } });
  return all;
}

const past = (c: AuditCursor): Filter => {
  const op = c.direction === 'older' ? '$lt' : '$gt';
  return { $or: [{ at: { [op]: c.at } }, { at: c.at, _id: { [op]: oid(c.id) } }] };
};

/** The key a filter is walked by: the person and category it names (a type prefix names its category if it has one). */
function keyFor(f: AuditFilter): { key: string; days: boolean } {
  const category: AuditCategory | undefined = f.category ?? (f.type ? categoryOfPrefix(f.type) : undefined);
  return keyOf({ storeId: f.storeId, category, person: f.userId });
}

export function mongoAuditQuery({ AuditEvent }: Models): AuditQueryPort {
  const collection = AuditEvent.collection as mongo.Collection;

  /** The periods listed under `k`. */
  const directory = async (k: string) => (await collection.find({ k }, { projection: { _id: 1 } }).toArray()).map((d) => periodOf(String(d._id)));
  const numbers = (periods: Array<{ kind: string; n: number }>, kind: string) => periods.filter((p) => p.kind === kind).map((p) => p.n);

  /** The buckets that may hold events of the filter between two days (inclusive), in the order asked for. */
  async function* buckets(f: AuditFilter, days: { low?: number; high?: number }, newestFirst: boolean): AsyncGenerator<string> {
    const { key, days: hasDays } = keyFor(f);
    const within = (n: number, low?: number, high?: number) => (low === undefined || n >= low) && (high === undefined || n <= high);
    const inOrder = (ns: number[]) => ns.sort((a, b) => (newestFirst ? b - a : a - b));
    const lowMonth = days.low === undefined ? undefined : monthOfDay(days.low);
    const highMonth = days.high === undefined ? undefined : monthOfDay(days.high);
    const lowYear = lowMonth === undefined ? undefined : yearOfMonth(lowMonth);
    const highYear = highMonth === undefined ? undefined : yearOfMonth(highMonth);
    for (const year of inOrder(numbers(await directory(key), 'y').filter((y) => within(y, lowYear, highYear)))) {
      for (const month of inOrder(numbers(await directory(yearPeriod(key, year)), 'm').filter((m) => within(m, lowMonth, highMonth)))) {
        if (!hasDays) {
          yield monthBucket(key, month);
          continue;
        }
        const periods = await directory(monthBucket(key, month));
        const all = numbers(periods, 'd');
        const wanted = inOrder(all.filter((d) => within(d, days.low, days.high)));
        if (wanted.length === 0) continue;
        // a month without a busy day is one read of fewer than 31 * BUSY_DAY events (per process that wrote them)
        if (!periods.some((p) => p.kind === 'b')) yield monthBucket(key, month);
        else for (const day of wanted) yield dayBucket(key, day);
      }
    }
  }

  /** Events of one bucket that match, in order; `limit` 0: all of them. */
  async function read(bucket: string, conditions: Filter[], newestFirst: boolean, limit: number): Promise<AuditRecord[]> {
    const dir = newestFirst ? -1 : 1;
    // hint: on MongoDB the bucket's index, not {storeId, at} (FerretDB ignores hints and uses the `b` equality)
    const found = collection.find({ b: bucket, $and: conditions }, { sort: { at: dir, _id: dir }, hint: { b: 1 } });
    if (limit > 0) found.limit(limit);
    return ((await found.toArray()) as unknown as AuditDoc[]).map(toAuditRecord);
  }

  /** The day span to walk: the date filter narrowed by the cursor. */
  function span(f: AuditFilter, cursor: AuditCursor | undefined): { low?: number; high?: number } {
    const low = f.from ? dayOf(f.from) : undefined;
    const high = f.to ? dayOf(new Date(f.to.getTime() - 1)) : undefined;
    if (!cursor) return { low, high };
    const at = dayOf(cursor.at);
    return cursor.direction === 'older' ? { low, high: high === undefined ? at : Math.min(high, at) } : { low: low === undefined ? at : Math.max(low, at), high };
  }

  return {
    async around(filter, cursor, limit) {
      const newestFirst = cursor?.direction !== 'newer';
      const conditions = [...conditionsOf(filter), ...(cursor ? [past(cursor)] : [])];
      const events: AuditRecord[] = [];
      for await (const bucket of buckets(filter, span(filter, cursor), newestFirst)) {
        events.push(...(await read(bucket, conditions, newestFirst, limit - events.length)));
        if (events.length >= limit) break;
      }
      return newestFirst ? events : events.reverse();
    },
    async *each(filter, max) {
      const conditions = conditionsOf(filter);
      let left = max;
      for await (const bucket of buckets(filter, span(filter, undefined), true)) {
        const events = await read(bucket, conditions, true, left);
        yield* events;
        left -= events.length;
        if (left <= 0) return;
      }
    },
  };
}
