// The audit log read by bucket walks gives exactly what one MongoDB query would: the events matching the filter, newest
// first by (at, _id), each once, for every filter and page boundary (B5; issue 27). The reference here is the plain
// filter and sort applied in JavaScript to every stored event, as MongoDB would apply them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types, type mongo } from 'mongoose';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { mongoAudit } from '../../src/models/stores/misc.js';
import { mongoAuditQuery } from '../../src/models/stores/audit-query.js';
import { AUDIT_CATEGORIES, categoryOf } from '../../src/services/audit/categories.js';
import type { AuditCursor, AuditFilter, AuditQueryPort, AuditRecord } from '../../src/services/admin/ports.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

const DAY = 86_400_000;
const oid = () => new Types.ObjectId();

describe('audit log order: bucket walks agree with one sorted query (B5; issue 27)', () => {
  let server: TestDatabase;
  let db: Database;
  let events: AuditQueryPort;
  const commands: mongo.CommandStartedEvent[] = [];
  const store = oid();
  const other = oid();
  const [ann, ben, cas] = [oid(), oid(), oid()];
  let all: AuditRecord[] = [];

  before(async () => {
    server = await startTestDatabase();
    db = await connectDatabase(server.uri, { syncIndexes: server.syncIndexes, monitor: { started: (e) => commands.push(e) } });
    events = mongoAuditQuery(db.models);
    const docs: Array<Record<string, unknown>> = [];
    const add = (at: Date, type: string, userId: Types.ObjectId | null, actorId: Types.ObjectId | null, storeId: Types.ObjectId | null = store) =>
      docs.push({ at, type, storeId, userId, actorId, details: { n: docs.length } });
    // sparse years: a few events a month over 2024 and 2025, on the edges of days, months and years
    for (let m = 0; m < 24; m++) {
      const start = Date.UTC(2024, m, 1);
      add(new Date(start), 'signin.success', ann, ann);
      add(new Date(start - 1), 'admin.policy_changed', null, ben);
      add(new Date(start + 15 * DAY + 3_600_000), m % 3 ? 'password.changed' : 'future.thing', cas, cas);
    }
    // a busy day, with 30 events in one millisecond (the cursor breaks ties by id) in a month of quiet days
    const busy = Date.UTC(2026, 2, 10, 12);
    for (let i = 0; i < 60; i++) add(new Date(busy + (i < 30 ? 0 : i * 60_000)), i % 4 ? 'signin.success' : 'session.ended', i % 2 ? ann : ben, i % 5 ? null : cas);
    for (let d = 1; d < 28; d += 2) add(new Date(Date.UTC(2026, 2, d, 9)), 'mfa.enrolled', cas, ben);
    // other stores and events without a store never show
    add(new Date(busy), 'signin.success', ann, ann, other);
    add(new Date(busy), 'signin.success', ann, ann, null);
    await db.models.AuditEvent.insertMany(docs);
    // through the recorder, now; then one written later under an earlier time (a repair after a crash)
    const audit = mongoAudit(db.models);
    for (let i = 0; i < 12; i++) await audit.record({ type: i % 2 ? 'approval.granted' : 'signin.success', storeId: String(store), userId: String(ann), actorId: String(i % 3 ? ben : ann) });
    await db.models.AuditEvent.insertMany([{ at: new Date(busy - 1), type: 'account.locked', storeId: store, userId: ben, actorId: null }]);
    all = (await db.models.AuditEvent.find({ type: { $type: 'string' } }).lean()).map((d) => ({
      id: String(d._id),
      at: d.at,
      type: d.type,
      storeId: d.storeId ? String(d.storeId) : null,
      userId: d.userId ? String(d.userId) : null,
      actorId: d.actorId ? String(d.actorId) : null,
      ip: null,
      userAgent: null,
      details: {},
    }));
  });
  after(async () => {
    await db?.close();
    await server?.stop();
  });

  // what MongoDB returns for find(filter).sort({at: -1, _id: -1}): ObjectIds compare by their bytes (hex order)
  const newestFirst = (a: AuditRecord, b: AuditRecord) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  function reference(f: AuditFilter): string[] {
    return all
      .filter((e) => e.storeId === f.storeId)
      .filter((e) => !f.userId || e.userId === f.userId || e.actorId === f.userId)
      .filter((e) => !f.category || categoryOf(e.type) === f.category)
      .filter((e) => !f.type || e.type.startsWith(f.type))
      .filter((e) => (!f.from || e.at >= f.from) && (!f.to || e.at < f.to))
      .sort(newestFirst)
      .map((e) => e.id);
  }
  const cursorOf = (e: AuditRecord, direction: AuditCursor['direction']): AuditCursor => ({ at: e.at, id: e.id, direction });

  const S = String(store);
  const filters: Array<[string, AuditFilter]> = [
    ['everything', { storeId: S }],
    ...AUDIT_CATEGORIES.map((category): [string, AuditFilter] => [`category ${category}`, { storeId: S, category }]),
    ...[ann, ben, cas].map((p, i): [string, AuditFilter] => [`person ${i}`, { storeId: S, userId: String(p) }]),
    ['person and category', { storeId: S, userId: String(ben), category: 'signin' }],
    ['person as actor only', { storeId: S, userId: String(ben), category: 'policy' }],
    ['type prefix of one category', { storeId: S, type: 'password.' }],
    ['type prefix across categories', { storeId: S, type: 'admin.' }],
    ['one day', { storeId: S, from: new Date(Date.UTC(2026, 2, 10)), to: new Date(Date.UTC(2026, 2, 11)) }],
    ['across a year end', { storeId: S, from: new Date(Date.UTC(2024, 11, 20)), to: new Date(Date.UTC(2025, 0, 2)) }],
    ['from a time on', { storeId: S, from: new Date(Date.UTC(2025, 5, 16, 1)) }],
    ['up to a time', { storeId: S, to: new Date(Date.UTC(2024, 6, 1)), category: 'signin' }],
    ['nothing in range', { storeId: S, from: new Date(Date.UTC(2023, 0, 1)), to: new Date(Date.UTC(2023, 5, 1)) }],
    ['another store', { storeId: String(oid()) }],
  ];

  it('the export walk returns every matching event once, newest first, for every filter', async () => {
    for (const [name, f] of filters) {
      const got: string[] = [];
      for await (const e of events.each(f, 100_000)) got.push(e.id);
      assert.deepEqual(got, reference(f), name);
    }
    assert.ok(reference({ storeId: S }).length > 150);
  });

  it('the reference is what the database itself returns for one query sorted by (at, _id)', async () => {
    // the filter as one MongoDB query (the shape the audit log used before buckets), sorted by the server
    const query = (f: AuditFilter): Record<string, unknown> => {
      const typeOf = (t: string) => (!f.category || categoryOf(t) === f.category) && (!f.type || t.startsWith(f.type));
      const types = [...new Set(all.map((e) => e.type))].filter(typeOf);
      return {
        storeId: new Types.ObjectId(f.storeId),
        type: { $in: types },
        ...(f.userId ? { $or: [{ userId: new Types.ObjectId(f.userId) }, { actorId: new Types.ObjectId(f.userId) }] } : {}),
        ...(f.from || f.to ? { at: { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) } } : {}),
      };
    };
    for (const [name, f] of filters) {
      const sorted = await db.models.AuditEvent.find(query(f), { _id: 1 }).sort({ at: -1, _id: -1 }).lean();
      assert.deepEqual(sorted.map((d) => String(d._id)), reference(f), name);
    }
  });

  it('the export walk is lazy: its first event comes after the directories and one bucket, not the whole log', async () => {
    const start = commands.length;
    for await (const _ of events.each({ storeId: S }, 100_000)) break;
    const firstReads = commands.slice(start).filter((c) => c.commandName === 'find').length;
    const mark = commands.length;
    for await (const _ of events.each({ storeId: S }, 100_000));
    const walkReads = commands.slice(mark).filter((c) => c.commandName === 'find').length;
    // years, the newest year's months, the newest month's days, its newest bucket
    assert.ok(firstReads <= 4, `reads before the first event: ${firstReads}`);
    assert.ok(walkReads > 10 * firstReads, `reads of the whole walk: ${walkReads}`);
  });

  it('pages Older and then Newer at every page boundary, ties in one millisecond included', async () => {
    for (const [name, f] of filters) {
      const expected = reference(f);
      const pages: string[][] = [];
      let page = await events.around(f, undefined, 7);
      while (page.length) {
        pages.push(page.map((e) => e.id));
        const last = page.at(-1);
        page = last ? await events.around(f, cursorOf(last, 'older'), 7) : [];
      }
      assert.deepEqual(pages.flat(), expected, `${name}: older`);
      // back up from the oldest event: each Newer page is the 7 events just above the cursor, oldest last
      const back: string[] = [];
      let first = all.find((e) => e.id === expected.at(-1));
      while (first) {
        const newer = await events.around(f, cursorOf(first, 'newer'), 7);
        back.unshift(...newer.map((e) => e.id));
        first = newer.length ? all.find((e) => e.id === newer[0]?.id) : undefined;
      }
      assert.deepEqual(back, expected.slice(0, -1), `${name}: newer`);
    }
  });

  it('walks only buckets: quiet months are read whole, busy days one by one, and every read is an equality on b or k', async () => {
    const start = commands.length;
    for await (const _ of events.each({ storeId: S }, 100_000));
    const reads = commands.slice(start).filter((c) => c.commandName === 'find');
    const filters = reads.map((c) => (c.command as { filter: Record<string, unknown> }).filter);
    assert.ok(filters.every((q) => typeof q.b === 'string' || typeof q.k === 'string'), JSON.stringify(filters));
    const buckets = filters.map((q) => q.b).filter((b): b is string => typeof b === 'string');
    assert.ok(buckets.some((b) => /:m\d+$/.test(b)), 'a quiet month in one read');
    assert.ok(buckets.some((b) => /:d\d+$/.test(b)), 'a busy month day by day');
  });
});
