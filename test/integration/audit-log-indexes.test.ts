// At a year's volume (100,000 events in the store, 20,000 in another), every read behind the audit pages, the API and
// the exports is an equality the database serves from an index and selects one bucket, never the store's whole log:
// seen through command monitoring, then explained by the server itself (B5; issue 27).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types, type mongo } from 'mongoose';
import pg from 'pg';
import { Agent } from '../helpers/agent.js';
import { writeAuditLogs } from '../helpers/audit-volume.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';
import { declaredIndexes, unservedFilters } from '../helpers/index-coverage.js';
import { startStack, submit, type Stack } from '../helpers/stack.js';

const ADMIN_PW = 'admin passphrase 2026';
const STORE_EVENTS = 100_000;
// the most events one read may select: a busy day of this store holds about 300
const BUCKET_BOUND = 1_000;

type Explained = { queryPlanner?: Record<string, unknown>; filterPushdown?: boolean };

describe('audit log reads at a year of events are served by indexes (B5; issue 27)', () => {
  let database: TestDatabase;
  let stack: Stack;
  let storeId: string;
  let staff: string[];
  const agent = new Agent();
  let csrf = '';

  before(async () => {
    database = await startTestDatabase();
    stack = await startStack({}, { database });
    storeId = await stack.createStore('yearly');
    const adam = await stack.createUser(storeId, 'adam', 'admin', ADMIN_PW, { name: 'Adam Admin' });
    staff = [adam];
    for (let i = 1; i <= 24; i++) staff.push(await stack.createUser(storeId, `staff${i}`, i === 1 ? 'manager' : 'cashier', 'cashier passphrase 2026', { name: `Staff ${i}` }));
    const app = await stack.enrol(adam, 'yearly', 'adam');
    await writeAuditLogs(
      stack.db.models,
      [
        { storeId: new Types.ObjectId(storeId), people: staff.map((id) => new Types.ObjectId(id)), events: STORE_EVENTS },
        { storeId: new Types.ObjectId(), people: Array.from({ length: 8 }, () => new Types.ObjectId()), events: 20_000 },
      ],
      { days: 365, log: () => {} },
    );
    // planner statistics as autovacuum keeps them in a running deployment
    if (database.postgres) {
      const client = new pg.Client(database.postgres);
      await client.connect();
      const schema = new URL(database.uri).pathname.slice(1);
      for (const { tablename } of (await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema])).rows) {
        await client.query(`ANALYZE ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(tablename)}`);
      }
      await client.end();
    }
    const start = await agent.follow(`${stack.issuer}/admin?store=yearly`);
    const code = await submit(agent, start, { username: 'adam', password: ADMIN_PW });
    const home = await submit(agent, code, { code: await app.code() });
    csrf = /name="csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
    assert.ok(csrf);
  });
  after(() => stack.close());

  const get = async (path: string) => {
    const res = await agent.request(`${stack.issuer}${path}`);
    assert.equal(res.status, 200, path);
    return res.body;
  };
  const hrefOf = (html: string, rel: string) => new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

  it('pages, filters, the API and an export read only buckets and directories, each from an index', async () => {
    const start = stack.commands.length;
    const perRequest: number[] = [];
    const measured = async (path: string) => {
      const before = stack.commands.length;
      const body = await get(path);
      perRequest.push(stack.commands.slice(before).filter((c) => (c.command as Record<string, unknown>)[c.commandName] === 'audit_events').length);
      return body;
    };
    const first = await measured('/admin/audit');
    let older = hrefOf(first, 'next');
    for (let i = 0; i < 3 && older; i++) older = hrefOf(await measured(older), 'next');
    assert.ok(older);
    const deep = await measured(older);
    const newer = hrefOf(deep, 'prev');
    assert.ok(newer);
    await measured(newer);
    for (const category of ['signin', 'mfa', 'password', 'sessions', 'users', 'policy', 'email', 'approvals', 'other']) await measured(`/admin/audit?category=${category}`);
    await measured('/admin/audit?user=staff7');
    await measured('/admin/audit?user=staff7&category=password');
    await measured('/admin/audit?user=adam&category=policy');
    const day = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    const month = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
    await measured(`/admin/audit?from=${day}&to=${day}`);
    await measured(`/admin/audit?from=${month}&to=${new Date(Date.now() - 170 * 86_400_000).toISOString().slice(0, 10)}&category=signin`);
    await measured('/admin/api/audit?type=approval.');
    await measured('/admin/api/audit?type=admin.');
    await get('/admin/audit.csv?category=policy');
    await get(`/admin/audit.jsonl?from=${day}&to=${day}`);

    const audit = stack.commands.slice(start).filter((c) => (c.command as Record<string, unknown>)[c.commandName] === 'audit_events');
    const reads = audit.filter((c) => c.commandName === 'find');
    assert.ok(reads.length > 50);
    assert.deepEqual(unservedFilters(audit, declaredIndexes(stack.db.models)), [], 'an equality on an indexed field');
    // no read selects by the store alone: each names a bucket (`b`) or a directory (`k`)
    const shapes = reads.map((c) => (c.command as { filter: Record<string, unknown> }).filter);
    assert.deepEqual(shapes.filter((f) => typeof f.b !== 'string' && typeof f.k !== 'string'), []);
    // bounded by the calendar, not by the log: the list of years, a directory and a bucket per month walked (a year
    // back spans 13 calendar months), and busy days read on their own, each holding at least 5 of the page's 50 events
    // (so at most 10): 1 + 2 x 13 + 10. A sparse category walks the whole year (32 reads seen in a CI run).
    assert.ok(Math.max(...perRequest) <= 37, `commands per page: ${perRequest.join(' ')}`);

    // the equality alone selects at most one bucket's events, out of 100,000 in the store
    const collection = stack.db.models.AuditEvent.collection;
    const distinct = [...new Map(shapes.map((f) => [String(f.b ?? f.k), f])).values()];
    for (const f of distinct) {
      const selected = await collection.countDocuments(typeof f.b === 'string' ? { b: f.b } : { k: f.k });
      assert.ok(selected <= BUCKET_BOUND, `${JSON.stringify(f)} selects ${selected}`);
    }

    // and the server plans it as an index scan: FerretDB pushes the equality down to a PostgreSQL index, MongoDB
    // picks the bucket or directory index
    const db = stack.db.conn.db as mongo.Db;
    for (const c of reads.filter((_, i) => i % 7 === 0)) {
      const { find, filter, sort, limit, hint } = c.command as Record<string, unknown>;
      const query = Object.fromEntries(Object.entries({ find, filter, sort, limit, hint }).filter(([, v]) => v !== undefined));
      const explained = (await db.command({ explain: query, verbosity: 'queryPlanner' })) as Explained;
      const plan = JSON.stringify(explained.queryPlanner);
      if (stack.db.kind === 'ferretdb') {
        assert.equal(explained.filterPushdown, true, JSON.stringify(filter));
        assert.match(plan, /"Node Type":"Bitmap Index Scan"|"Node Type":"Index Scan"/, plan);
        assert.doesNotMatch(plan, /Seq Scan/, plan);
      } else {
        assert.match(plan, /IXSCAN/, plan);
        assert.doesNotMatch(plan, /COLLSCAN/, plan);
      }
    }
  });

  it("exports a person's year in the pages' order (newest first by time, then id), streamed bucket by bucket", async () => {
    const start = stack.commands.length;
    const jsonl = await get('/admin/audit.jsonl?user=staff7');
    const exported = jsonl.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
    const end = stack.commands.length;
    // what one query sorted by the server would return: the person's events as user or actor, by (at, _id) descending
    const collection = stack.db.models.AuditEvent.collection;
    const person = new Types.ObjectId(staff[7]);
    const found = new Map<string, Date>();
    for (const field of ['userId', 'actorId']) {
      for (const d of await collection.find({ [field]: person }, { projection: { at: 1 } }).toArray()) found.set(String(d._id), d.at as Date);
    }
    const expected = [...found].sort(([a, at], [b, bt]) => bt.getTime() - at.getTime() || (a < b ? 1 : a > b ? -1 : 0)).map(([id]) => id);
    assert.ok(expected.length > 3_000, `events of staff7: ${expected.length}`);
    assert.deepEqual(exported, expected);
    // never the whole log in one read: each find names a bucket or directory that selects at most a busy day
    const reads = stack.commands.slice(start, end).filter((c) => c.commandName === 'find' && (c.command as { find?: string }).find === 'audit_events');
    const shapes = reads.map((c) => (c.command as { filter: Record<string, unknown> }).filter);
    assert.deepEqual(shapes.filter((f) => typeof f.b !== 'string' && typeof f.k !== 'string'), []);
    for (const f of shapes.filter((q) => typeof q.b === 'string')) {
      const selected = await collection.countDocuments({ b: f.b });
      assert.ok(selected <= BUCKET_BOUND, `${JSON.stringify(f)} selects ${selected}`);
    }
  });
});
