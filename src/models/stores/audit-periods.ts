// Where an audit event is found: the bucket keys it carries and the period documents that list non-empty buckets.
//
// FerretDB 1.24 pushes only exact equalities down to PostgreSQL and sorts, ranges, $or and regexes in Go, so a page
// must name a small set of events by one equality. Every event carries, in `b`, the day and month buckets of each
// filter it can be found by (the store; its category; each person it concerns; each person with the category), and
// the same insert adds a period document per bucket, year and month that is new: `{_id: "<bucket>", k: "<parent>"}`.
// Reading `{k}` lists the non-empty years of a filter, the months of a year and the days of a month, so a page reads
// only buckets that hold matching events. A day a process has seen BUSY_DAY events of a key in also gets a "busy"
// document beside its day, so a reader knows which months are small enough to read as one bucket. Periods are UTC, like the
// date filter. Keys are short hashes of (store, category, person): a hash collision only adds events that the exact
// filter of every read removes again.
import { createHash } from 'node:crypto';
import { categoryOf, type AuditCategory } from '../../services/audit/categories.js';

const DAY_MS = 86_400_000;

export const dayOf = (at: Date): number => Math.floor(at.getTime() / DAY_MS);
export const monthOf = (at: Date): number => at.getUTCFullYear() * 12 + at.getUTCMonth();
export const yearOfMonth = (month: number): number => Math.floor(month / 12);
export const monthOfDay = (day: number): number => monthOf(new Date(day * DAY_MS));

/** What a read filters on; the most specific key of it is the one walked. */
export interface KeyScope {
  storeId: string;
  category?: AuditCategory;
  person?: string;
}

/**
 * The key of a scope. Person + category keys have month buckets only (a person's events of one category are few);
 * every other key has day buckets as well.
 */
export function keyOf(scope: KeyScope): { key: string; days: boolean } {
  const key = createHash('sha256').update(`${scope.storeId}|${scope.category ?? ''}|${scope.person ?? ''}`).digest('base64url').slice(0, 12);
  return { key, days: !(scope.category && scope.person) };
}

/** Events of one key in one day, seen by one process, that make the day "busy". */
export const BUSY_DAY = 5;

export const dayBucket = (key: string, day: number) => `${key}:d${day}`;
export const busyDay = (key: string, day: number) => `${key}:b${day}`;
export const monthBucket = (key: string, month: number) => `${key}:m${month}`;
export const yearPeriod = (key: string, year: number) => `${key}:y${year}`;

/** A period id as its kind (d day, b busy day, m month, y year) and number. */
export function periodOf(id: string): { kind: string; n: number } {
  const at = id.lastIndexOf(':') + 1;
  return { kind: id.charAt(at), n: Number(id.slice(at + 1)) };
}

export interface Indexable {
  at: Date;
  type: string;
  storeId?: unknown;
  userId?: unknown;
  actorId?: unknown;
}

export interface PeriodDoc {
  _id: string;
  k: string;
}

const idString = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

function keysOf(e: Indexable): Array<{ key: string; days: boolean }> {
  const storeId = idString(e.storeId);
  if (!storeId) return [];
  const category = categoryOf(e.type);
  const people = [...new Set([idString(e.userId), idString(e.actorId)].filter((p): p is string => Boolean(p)))];
  return [
    keyOf({ storeId }),
    keyOf({ storeId, category }),
    ...people.flatMap((person) => [keyOf({ storeId, person }), keyOf({ storeId, person, category })]),
  ];
}

/**
 * The buckets an event is found in (its `b` field) and the period documents that list them; `busy` says whether a day
 * bucket has just reached BUSY_DAY events.
 */
export function placeOf(e: Indexable, busy: (dayBucket: string) => boolean = () => false): { buckets: string[]; periods: PeriodDoc[] } {
  const day = dayOf(e.at);
  const month = monthOf(e.at);
  const year = yearOfMonth(month);
  const buckets: string[] = [];
  const periods: PeriodDoc[] = [];
  for (const { key, days } of keysOf(e)) {
    if (days) {
      buckets.push(dayBucket(key, day));
      periods.push({ _id: dayBucket(key, day), k: monthBucket(key, month) });
      if (busy(dayBucket(key, day))) periods.push({ _id: busyDay(key, day), k: monthBucket(key, month) });
    }
    buckets.push(monthBucket(key, month));
    periods.push({ _id: monthBucket(key, month), k: yearPeriod(key, year) }, { _id: yearPeriod(key, year), k: key });
  }
  return { buckets, periods };
}
