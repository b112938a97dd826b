// Removes expired documents, continuously and in small paced batches, on one instance at a time (DESIGN rule 10).
// Housekeeping only: every read checks expiry itself.
//
// The big collections (oidc_payloads, consumed_markers) store the 10 seconds their documents expire in
// (src/db/expiry.ts). Once a bucket has passed it is emptied: a look-up of at most BATCH_SIZE + 1 ids by the exact,
// indexed bucket, then one delete command: of the whole bucket when it holds no more than BATCH_SIZE, else of the first
// BATCH_SIZE ids within it. FerretDB reads every document a delete's filter selects into memory before deleting (the
// old hourly delete held an hour of them and stalled the database for tens of seconds at the hour); a 10-second bucket
// holds a few hundred at a busy store's traffic. Deleting by single ids would bound that too, but costs FerretDB two
// statements per document (300 of them took 7 s on this 2-core machine under load, a bucket delete 0.1 s), so it is
// kept for hour buckets of earlier versions only. How far the sweep has come is stored (housekeeping), so whoever holds
// the lease next goes on from there. The small expiring collections are swept every few minutes by `expiresAt <= now`
// (a scan on FerretDB, cheap at their size), and recovery codes whose batch never became active are removed once their
// grace has passed.
//
// `step()` does at most one batch and says how long to wait before the next: after a delete at least as long as the
// batch took (and MIN_PAUSE_MS), so the sweep never keeps the database busy more than half the time and a foreground
// request never waits behind more than one batch.
import { BUCKETED, EXPIRING, type Models } from '../models/index.js';
import { BUCKET_MS, BUCKETS_PER_HOUR, isHourBucket } from './expiry.js';
import type { SweepLease } from './sweep-lease.js';

export const BATCH_SIZE = 300;
export const MIN_PAUSE_MS = 200;
/** after an empty look-up (nothing to delete there) the next one may follow almost at once */
export const EMPTY_PAUSE_MS = 10;
/** the small collections' turn */
export const SMALL_EVERY_MS = 5 * 60_000;
/** a step after a bucket's time has passed, so it is complete */
const AFTER_BUCKET_MS = 1_000;
/** the progress is stored when a minute's buckets are done (and when the sweep has caught up) */
const BUCKETS_PER_MINUTE = 60_000 / BUCKET_MS;
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
  deleteMany(filter: object): Promise<{ deletedCount: number }>;
  distinct(field: string, filter: object): Promise<unknown[]>;
};

export function createSweeper(opts: SweeperOptions) {
  const { models, lease, clock } = opts;
  const batchSize = opts.batchSize ?? BATCH_SIZE;
  const stopwatch = opts.stopwatch ?? (() => performance.now());
  const collection = (name: keyof Models) => models[name] as unknown as Collection;
  const small = EXPIRING.filter((name) => !BUCKETED.includes(name));

  // what this holder knows: the last bucket fully swept, the targets in hand, and which bucket they complete
  let through: number | undefined;
  let queue: Target[] = [];
  let completes: number | undefined;
  let smallDueAt = 0;

  const bucketOf = (now: Date) => Math.floor(now.getTime() / BUCKET_MS);

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
    const past = bucketOf(now) - 1;
    for (const model of BUCKETED) {
      const buckets = (await collection(model).distinct('expiresBucket', { expiresAt: { $lte: now } })) as Array<number | null>;
      for (const bucket of buckets.filter((b): b is number => typeof b === 'number' && b <= past).sort((a, b) => a - b)) queue.push({ kind: 'bucket', model, bucket });
    }
    through = past - 1;
    completes = past;
  }

  // The next bucket's targets, the small collections' turn, or nothing to do yet.
  function plan(now: Date): boolean {
    const past = bucketOf(now) - 1;
    if (through !== undefined && through < past) {
      const bucket = through + 1;
      queue = BUCKETED.map((model) => ({ kind: 'bucket', model, bucket }) as Target);
      // a whole hour has passed: its hour bucket (documents written by earlier versions) goes too
      if ((bucket + 1) % BUCKETS_PER_HOUR === 0) queue.push(...BUCKETED.map((model) => ({ kind: 'bucket', model, bucket: (bucket + 1) / BUCKETS_PER_HOUR - 1 }) as Target));
      if (opts.codes) queue.push({ kind: 'codes', bucket });
      completes = bucket;
      return true;
    }
    if (now.getTime() >= smallDueAt) {
      smallDueAt = now.getTime() + SMALL_EVERY_MS;
      queue = small.map((model) => ({ kind: 'expired', model, before: now }) as Target);
      return true;
    }
    return false;
  }

  // One batch of a target: a look-up of up to batchSize + 1 ids, then one delete command; `done` when that was all.
  async function batch(target: Target): Promise<{ deleted: number; done: boolean }> {
    if (target.kind === 'codes') {
      const settled = (await opts.codes?.settle(target.bucket, batchSize)) ?? 0;
      return { deleted: settled, done: settled < batchSize };
    }
    const filter = target.kind === 'bucket' ? { expiresBucket: target.bucket } : { expiresAt: { $lte: target.before } };
    const items = collection(target.model);
    const ids = (await items.find(filter, { _id: 1 }).limit(batchSize + 1).lean<Array<{ _id: unknown }>>()).map((d) => d._id);
    if (ids.length === 0) return { deleted: 0, done: true };
    const done = ids.length <= batchSize;
    // the filter goes with every delete: a document given a later expiry meanwhile (a session in use) stays
    if (target.kind === 'bucket' && !isHourBucket(target.bucket)) {
      const res = await items.deleteMany(done ? filter : { ...filter, _id: { $in: ids.slice(0, batchSize) } });
      return { deleted: res.deletedCount, done };
    }
    // an hour bucket of an earlier version (large) or a small collection (scanned): id by id
    await items.bulkWrite(ids.slice(0, batchSize).map((_id) => ({ deleteOne: { filter: { _id, ...filter } } })), { ordered: false });
    return { deleted: Math.min(ids.length, batchSize), done };
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
        const nextBucket = (bucketOf(now) + 1) * BUCKET_MS + AFTER_BUCKET_MS - now.getTime();
        // woken in time to renew the lease, else another instance would take it over at every turn of the window
        return { did: 'idle', delayMs: Math.max(EMPTY_PAUSE_MS, Math.min(nextBucket, smallDueAt - now.getTime(), lease.renewIn(now))) };
      }
      const target = queue[0] as Target;
      const started = stopwatch();
      const { deleted, done } = await batch(target);
      const took = stopwatch() - started;
      if (done) queue.shift();
      if (queue.length === 0 && completes !== undefined) {
        through = completes;
        completes = undefined;
        // stored once a minute's buckets are done, and when caught up: a new holder redoes at most a minute, harmlessly
        if ((through + 1) % BUCKETS_PER_MINUTE === 0 || through >= bucketOf(now) - 1) {
          await models.Housekeeping.updateOne({ _id: PROGRESS_ID }, { $set: { through, at: now } }, { upsert: true });
        }
      }
      const delayMs = deleted > 0 ? Math.max(MIN_PAUSE_MS, took) : EMPTY_PAUSE_MS;
      return { did: 'batch', delayMs, target, deleted };
    },
  };
}

export type Sweeper = ReturnType<typeof createSweeper>;
