// Removes expired documents, continuously and in small paced batches, on one instance at a time (DESIGN rule 10).
// Housekeeping only: every read checks expiry itself.
//
// The big collections (oidc_payloads, consumed_markers) store the minute their documents expire in (src/db/expiry.ts).
// Once a minute has passed, its bucket is emptied by batches: find at most BATCH_SIZE ids by the exact, indexed bucket,
// then delete those ids in one command. FerretDB loads every document a delete matches into memory before deleting, so
// one delete per bucket (or hour, as before) stalled the database for tens of seconds at the hour; a batch never holds
// more than BATCH_SIZE. How far the sweep has come is stored (housekeeping), so whoever holds the lease next goes on
// from there. The small expiring collections are swept every few minutes by `expiresAt <= now` (a scan on FerretDB,
// cheap at their size), and recovery codes whose batch never became active are removed once their grace has passed.
//
// `step()` does at most one batch and says how long to wait before the next: after a delete at least as long as the
// batch took (and MIN_PAUSE_MS), so the sweep never keeps the database busy more than half the time and a foreground
// request never waits behind more than one batch.
import { BUCKETED, EXPIRING, type Models } from '../models/index.js';
import { BUCKET_MS, HOUR_BUCKET_MINUTES } from './expiry.js';
import type { SweepLease } from './sweep-lease.js';

export const BATCH_SIZE = 300;
export const MIN_PAUSE_MS = 200;
/** after an empty look-up (nothing to delete there) the next one may follow almost at once */
export const EMPTY_PAUSE_MS = 10;
/** the small collections' turn */
export const SMALL_EVERY_MS = 5 * 60_000;
/** a step after the minute turns, so the past minute's bucket is complete */
const AFTER_MINUTE_MS = 2_000;
const PROGRESS_ID = 'expiry';

/** Recovery codes stored but perhaps never activated (src/models/stores/recovery-codes.ts). */
export interface PendingCodes {
  /** Settles up to `limit` codes whose grace ended in `bucket`: kept when their batch is the user's, else deleted. */
  settle(bucket: number, limit: number): Promise<number>;
}

type Target =
  | { kind: 'bucket'; model: keyof Models; bucket: number }
  | { kind: 'expired'; model: keyof Models; before: Date }
  | { kind: 'codes'; bucket: number };

export type StepResult =
  | { did: 'not-holder'; delayMs: number }
  | { did: 'progress-read'; delayMs: number }
  | { did: 'idle'; delayMs: number }
  | { did: 'batch'; delayMs: number; target: Target; deleted: number };

export interface SweeperOptions {
  models: Models;
  lease: SweepLease;
  clock: () => Date;
  codes?: PendingCodes;
  batchSize?: number;
  /** measures how long a batch took (ms); the wall clock's monotonic time by default */
  stopwatch?: () => number;
}

type Collection = {
  find(filter: object, projection: object): { limit(n: number): { lean<T>(): Promise<T> } };
  bulkWrite(ops: object[], opts: object): Promise<unknown>;
  distinct(field: string, filter: object): Promise<unknown[]>;
};

export function createSweeper(opts: SweeperOptions) {
  const { models, lease, clock } = opts;
  const batchSize = opts.batchSize ?? BATCH_SIZE;
  const stopwatch = opts.stopwatch ?? (() => performance.now());
  const collection = (name: keyof Models) => models[name] as unknown as Collection;
  const small = EXPIRING.filter((name) => !BUCKETED.includes(name));

  // what this holder knows: the last minute fully swept, the targets in hand, and when that set completes a minute
  let through: number | undefined;
  let queue: Target[] = [];
  let completes: number | undefined;
  let smallDueAt = 0;

  const minuteOf = (now: Date) => Math.floor(now.getTime() / BUCKET_MS);

  async function readProgress(now: Date): Promise<void> {
    const doc = await models.Housekeeping.findOne({ _id: PROGRESS_ID }).lean();
    queue = [];
    completes = undefined;
    if (doc) {
      through = doc.through;
      return;
    }
    // First sweep of this database: every past bucket that holds expired documents (hour buckets of earlier versions
    // and the epoch's bucket 0 included), found once with a scan; from then on the stored progress says where to go on.
    const past = minuteOf(now) - 1;
    for (const model of BUCKETED) {
      const buckets = (await collection(model).distinct('expiresBucket', { expiresAt: { $lte: now } })) as Array<number | null>;
      for (const bucket of buckets.filter((b): b is number => typeof b === 'number' && b <= past).sort((a, b) => a - b)) queue.push({ kind: 'bucket', model, bucket });
    }
    through = past - 1;
    completes = past;
  }

  // The next minute's targets, the small collections' turn, or nothing to do yet.
  function plan(now: Date): boolean {
    const past = minuteOf(now) - 1;
    if (through !== undefined && through < past) {
      const minute = through + 1;
      queue = BUCKETED.map((model) => ({ kind: 'bucket', model, bucket: minute }) as Target);
      // a whole hour has passed: its hour bucket (documents written by earlier versions) goes too
      if ((minute + 1) % HOUR_BUCKET_MINUTES === 0) queue.push(...BUCKETED.map((model) => ({ kind: 'bucket', model, bucket: (minute + 1) / HOUR_BUCKET_MINUTES - 1 }) as Target));
      if (opts.codes) queue.push({ kind: 'codes', bucket: minute });
      completes = minute;
      return true;
    }
    if (now.getTime() >= smallDueAt) {
      smallDueAt = now.getTime() + SMALL_EVERY_MS;
      queue = small.map((model) => ({ kind: 'expired', model, before: now }) as Target);
      return true;
    }
    return false;
  }

  // One batch of a target: up to batchSize ids, then one delete command for them; `done` when nothing more is there.
  async function batch(target: Target): Promise<{ deleted: number; done: boolean }> {
    if (target.kind === 'codes') {
      const settled = await opts.codes?.settle(target.bucket, batchSize) ?? 0;
      return { deleted: settled, done: settled < batchSize };
    }
    const filter = target.kind === 'bucket' ? { expiresBucket: target.bucket } : { expiresAt: { $lte: target.before } };
    const docs = await collection(target.model).find(filter, { _id: 1 }).limit(batchSize).lean<Array<{ _id: unknown }>>();
    if (docs.length > 0) {
      // each id again with the filter: a document given a later expiry meanwhile (a session in use) stays
      await collection(target.model).bulkWrite(docs.map((d) => ({ deleteOne: { filter: { _id: d._id, ...filter } } })), { ordered: false });
    }
    return { deleted: docs.length, done: docs.length < batchSize };
  }

  return {
    async step(): Promise<StepResult> {
      const now = clock();
      const holding = await lease.hold(now);
      if (holding === 'none') {
        through = undefined;
        return { did: 'not-holder', delayMs: lease.retryIn(now) };
      }
      // newly holding: another instance may have swept meanwhile, so go on from the stored progress
      if (holding === 'new' || through === undefined) {
        await readProgress(now);
        return { did: 'progress-read', delayMs: EMPTY_PAUSE_MS };
      }
      if (queue.length === 0 && !plan(now)) {
        const nextMinute = (minuteOf(now) + 1) * BUCKET_MS + AFTER_MINUTE_MS - now.getTime();
        // woken in time to renew the lease, else another instance would take it over at every turn of the window
        return { did: 'idle', delayMs: Math.max(EMPTY_PAUSE_MS, Math.min(nextMinute, smallDueAt - now.getTime(), lease.renewIn(now))) };
      }
      const target = queue[0] as Target;
      const started = stopwatch();
      const { deleted, done } = await batch(target);
      const took = stopwatch() - started;
      if (done) queue.shift();
      if (queue.length === 0 && completes !== undefined) {
        await models.Housekeeping.updateOne({ _id: PROGRESS_ID }, { $set: { through: completes, at: now } }, { upsert: true });
        through = completes;
        completes = undefined;
      }
      const delayMs = deleted > 0 ? Math.max(MIN_PAUSE_MS, took) : EMPTY_PAUSE_MS;
      return { did: 'batch', delayMs, target, deleted };
    },
  };
}

export type Sweeper = ReturnType<typeof createSweeper>;
