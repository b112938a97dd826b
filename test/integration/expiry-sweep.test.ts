// The expiry sweep (issue 20 item 1, DESIGN rule 10): expired documents go bucket by bucket (10 s) in batches of at
// most BATCH_SIZE, paced, by one instance at a time under a lease that another instance takes over when its holder stops.
// Real database, fake clock: time moves only when the test says so.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { mongo } from 'mongoose';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { BUCKET_MS, expiryBucket } from '../../src/db/expiry.js';
import { createSweepLease, LEASE_WINDOW_MS, RENEW_BEFORE_MS } from '../../src/db/sweep-lease.js';
import { BATCH_SIZE, createSweeper, EMPTY_PAUSE_MS, MIN_PAUSE_MS, type StepResult } from '../../src/db/sweeper.js';
import { consumeOnceWith } from '../../src/models/stores/consume-once.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

// 10:20:30 on some day: mid-window, far from a renewal and from a full hour
const T0 = Date.UTC(2026, 11, 7, 10, 20, 30);
const bucket = (ms: number) => Math.floor(ms / BUCKET_MS);

describe('expiry sweep: batches, pacing and the lease (issue 20 item 1, DESIGN rule 10)', () => {
  let database: TestDatabase;
  let db: Database;
  let now = T0;
  const clock = () => new Date(now);
  const commands: mongo.CommandStartedEvent[] = [];

  before(async () => {
    database = await startTestDatabase();
    db = await connectDatabase(database.uri, { syncIndexes: database.syncIndexes, monitor: { started: (e) => commands.push(e) } });
  });
  after(async () => {
    await db.close();
    await database.stop();
  });
  beforeEach(async () => {
    now = T0;
    await db.models.OidcPayload.deleteMany({});
    await db.models.ConsumedMarker.deleteMany({});
    await db.models.Housekeeping.deleteMany({});
  });

  const instance = (owner: string, stopwatch?: () => number) =>
    createSweeper({ models: db.models, lease: createSweepLease({ claim: consumeOnceWith(db.models).claim, owner }), clock, stopwatch });
  const tokens = async (n: number, expiresAt: Date, prefix = 'AccessToken:t') => {
    const docs = Array.from({ length: n }, (_, i) => ({ _id: `${prefix}${expiresAt.getTime()}-${i}`, model: 'AccessToken', payload: '{}', expiresAt, expiresBucket: expiryBucket(expiresAt) }));
    await db.models.OidcPayload.insertMany(docs);
  };
  const progressAt = (through: number) => db.models.Housekeeping.create({ _id: 'expiry', through, at: new Date(now) });
  const sweepCommands = (from: number) =>
    commands.slice(from).filter((c) => ['find', 'delete'].includes(c.commandName) && ['oidc_payloads', 'consumed_markers'].includes(String((c.command as Record<string, unknown>)[c.commandName])));

  it('empties a past bucket in batches of at most BATCH_SIZE: one look-up and one delete each, by the exact bucket', async () => {
    const expired = new Date(T0 - 40_000);
    await tokens(BATCH_SIZE * 2 + 100, expired);
    await tokens(5, new Date(T0 + 10 * 60_000), 'AccessToken:live');
    await progressAt(bucket(expired.getTime()) - 1);
    const a = instance('a');
    assert.equal((await a.step()).did, 'progress-read');
    const deleted: number[] = [];
    for (let i = 0; i < 100; i++) {
      const before = commands.length;
      const result = await a.step();
      if (result.did !== 'batch') break;
      const sent = sweepCommands(before);
      assert.ok(sent.length <= 2, `one look-up and at most one delete per step, got ${sent.map((c) => c.commandName)}`);
      for (const c of sent) {
        const body = c.command as Record<string, unknown>;
        const b: number = result.target.kind === 'bucket' ? result.target.bucket : -1;
        if (c.commandName === 'find') {
          assert.deepEqual(body.filter, { expiresBucket: b });
          assert.equal(body.limit, BATCH_SIZE + 1);
        } else {
          const statements = body.deletes as Array<{ q: { expiresBucket?: number; _id?: { $in: unknown[] } } }>;
          assert.equal(statements.length, 1, 'one statement');
          assert.equal(statements[0]?.q.expiresBucket, b);
          assert.ok((statements[0]?.q._id?.$in.length ?? 0) <= BATCH_SIZE, 'at most BATCH_SIZE ids, or the whole (small) bucket');
        }
      }
      if (result.target.kind === 'bucket' && result.target.model === 'OidcPayload' && result.target.bucket === bucket(expired.getTime())) deleted.push(result.deleted);
    }
    assert.deepEqual(deleted, [BATCH_SIZE, BATCH_SIZE, 100]);
    assert.equal(await db.models.OidcPayload.countDocuments({}), 5, 'only the live tokens are left');
    assert.equal((await db.models.Housekeeping.findOne({ _id: 'expiry' }).lean())?.through, bucket(T0) - 1, 'progress stored');
  });

  it('paces itself: after a delete at least as long as the batch took (and MIN_PAUSE_MS), briefly after an empty look-up, idle until the next bucket', async () => {
    await tokens(BATCH_SIZE + 1, new Date(T0 - 40_000));
    await progressAt(bucket(T0 - 40_000) - 1);
    // a batch "takes" 700 ms by this stopwatch: it reads 0 when a batch starts and 700 when it ends
    let tick = 0;
    const a = instance('a', () => 700 * (tick++ % 2));
    await a.step();
    const results: StepResult[] = [];
    for (let i = 0; i < 100 && results.at(-1)?.did !== 'idle'; i++) results.push(await a.step());
    const summary = results.map((r) => (r.did === 'batch' ? `${r.target.kind === 'bucket' ? r.target.model : r.target.kind}:${r.deleted}:${r.delayMs}` : `${r.did}:${r.delayMs}`));
    assert.equal(summary[0], `OidcPayload:${BATCH_SIZE}:700`, 'paused as long as the batch took');
    assert.equal(summary[1], `OidcPayload:1:700`);
    assert.equal(summary[2], `ConsumedMarker:0:${EMPTY_PAUSE_MS}`, 'nothing there: on at once');
    assert.ok(results.every((r) => r.did !== 'batch' || r.deleted === 0 || r.delayMs >= MIN_PAUSE_MS));
    const idle = results.find((r) => r.did === 'idle');
    assert.ok(idle, summary.join(' '));
    // the next bucket is looked at a second after its time has passed; the lease is renewed 15 s before its window ends
    assert.equal(idle.delayMs, Math.min((bucket(T0) + 1) * BUCKET_MS + 1_000 - now, (Math.floor(T0 / LEASE_WINDOW_MS) + 1) * LEASE_WINDOW_MS - RENEW_BEFORE_MS - now));

    const fast = instance('b', () => 0);
    await tokens(3, new Date(T0 + 20_000));
    now = T0 + LEASE_WINDOW_MS * 3;
    await fast.step();
    let quick = await fast.step();
    while (quick.did === 'batch' && quick.deleted === 0) quick = await fast.step();
    assert.ok(quick.did === 'batch' && quick.deleted === 3 && quick.delayMs === MIN_PAUSE_MS, JSON.stringify(quick));
  });

  it('one instance sweeps at a time; when it stops, another takes the lease over and goes on from the stored progress', async () => {
    const a = instance('a');
    const b = instance('b');
    await progressAt(bucket(T0 - 40_000) - 1);
    await tokens(10, new Date(T0 - 40_000));
    assert.equal((await a.step()).did, 'progress-read');
    const refused = await b.step();
    assert.equal(refused.did, 'not-holder');
    assert.equal(refused.delayMs, (Math.floor(T0 / LEASE_WINDOW_MS) + 1) * LEASE_WINDOW_MS - now, 'tries again when the window turns');
    const swept = await a.step();
    assert.ok(swept.did === 'batch' && swept.deleted === 10);

    // a renews before its window ends, so b stays out in the next window too
    now = (Math.floor(T0 / LEASE_WINDOW_MS) + 1) * LEASE_WINDOW_MS - 10_000;
    await a.step();
    now = (Math.floor(T0 / LEASE_WINDOW_MS) + 1) * LEASE_WINDOW_MS + 1;
    assert.equal((await b.step()).did, 'not-holder');
    assert.notEqual((await a.step()).did, 'not-holder');
    while ((await a.step()).did === 'batch');
    const through = (await db.models.Housekeeping.findOne({ _id: 'expiry' }).lean())?.through;
    assert.equal(through, bucket(now) - 1);

    // a stops (it died); documents keep expiring
    await tokens(7, new Date(now + 30_000));
    now += 2 * LEASE_WINDOW_MS;
    const taken = await b.step();
    assert.equal(taken.did, 'progress-read', 'b holds the lease now and reads where a left off');
    const first = await b.step();
    assert.ok(first.did === 'batch' && first.target.kind === 'bucket' && first.target.bucket === (through ?? 0) + 1, JSON.stringify(first));
    while ((await b.step()).did === 'batch');
    assert.equal(await db.models.OidcPayload.countDocuments({}), 0, 'b swept what expired after a stopped');
    // and a, should it come back, stays out while b holds
    assert.equal((await a.step()).did, 'not-holder');
  });

  it('first sweep of a database: the expired documents of earlier versions (hour buckets, bucket 0) go too, found once', async () => {
    const hourAgo = new Date(T0 - 2 * 3_600_000);
    await db.models.OidcPayload.insertMany([
      { _id: 'Session:hour', model: 'Session', payload: '{}', expiresAt: hourAgo, expiresBucket: Math.floor(hourAgo.getTime() / 3_600_000) },
      { _id: 'Session:gone', model: 'Session', payload: '{}', expiresAt: new Date(0), expiresBucket: 0 },
      { _id: 'Session:live', model: 'Session', payload: '{}', expiresAt: new Date(T0 + 300_000), expiresBucket: Math.floor((T0 + 300_000) / 3_600_000) },
    ]);
    await consumeOnceWith(db.models).claim({ key: 'old-marker', expiresAt: new Date(T0 - 3 * 60_000) });
    const a = instance('a');
    assert.equal((await a.step()).did, 'progress-read');
    while ((await a.step()).did === 'batch');
    assert.deepEqual((await db.models.OidcPayload.find({}, { _id: 1 }).lean()).map((d) => d._id), ['Session:live']);
    assert.equal(await db.models.ConsumedMarker.countDocuments({ _id: 'old-marker' }), 0);
    assert.equal((await db.models.Housekeeping.findOne({ _id: 'expiry' }).lean())?.through, bucket(T0) - 1);
    // an hour bucket written by an earlier version goes once its hour has passed
    now = Math.ceil((T0 + 300_000) / 3_600_000) * 3_600_000 + 5_000;
    await a.step();
    for (let i = 0; i < 5_000 && (await a.step()).did !== 'idle'; i++);
    assert.equal(await db.models.OidcPayload.countDocuments({}), 0);
  });
});
