// The embedded default database (DESIGN "The database"): FerretDB over an embedded PostgreSQL, its data kept across
// restarts, restarted when it dies, and its lookups served by the GIN twins of the declared indexes.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import mongoose from 'mongoose';
import pg from 'pg';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';
import { HOT_COLLECTIONS, HOT_TABLE_SETTINGS } from '../../src/db/embedded-autovacuum.js';
import { canConnect } from '../../src/db/free-port.js';
import { startTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('embedded database (or TEST_MONGODB_URI when set)', () => {
  let db: TestDatabase;
  let conn: mongoose.Connection;
  const Item = new mongoose.Schema({ key: { type: String, required: true, unique: true }, count: Number });

  before(async () => {
    db = await startTestDatabase();
    conn = await mongoose.createConnection(db.uri).asPromise();
  });

  after(async () => {
    await conn?.close();
    await db?.stop();
  });

  test('the URI is a loopback mongodb:// URI with a database name', () => {
    if (!process.env.TEST_MONGODB_URI) assert.match(db.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/[\w-]+$/);
    assert.ok(conn.db, 'connection has a database handle');
  });

  test('a document written is read back', async () => {
    const Model = conn.model('EmbeddedItem', Item);
    await Model.init();
    await Model.create({ key: 'alpha', count: 1 });
    await Model.updateOne({ key: 'alpha' }, { $inc: { count: 2 } });
    const found = await Model.findOne({ key: 'alpha' }).lean();
    assert.equal(found?.count, 3);
  });

  test('a unique index rejects a duplicate (E11000), as the consume-once markers rely on (DESIGN rule 8)', async () => {
    const Model = conn.model('EmbeddedItem');
    await Model.create({ key: 'unique-key' });
    await assert.rejects(
      Model.create({ key: 'unique-key' }),
      (err: unknown) => (err as { code?: number }).code === 11000,
    );
    assert.equal(await Model.countDocuments({ key: 'unique-key' }), 1);
  });
});

describe('the embedded server itself (the default when MONGODB_URI is unset)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-embedded-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('keeps data in its directory across a restart; PostgreSQL listens on loopback with a password', async () => {
    const first = await startEmbeddedDatabase({ dataDir, dbName: 'restart-check', tuning: 'fast' });
    assert.match(first.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/restart-check$/);
    const pgConfig = first.postgres.clientConfig();
    assert.equal(pgConfig.host, '127.0.0.1');
    const noPassword = new pg.Client({ ...pgConfig, password: 'wrong' });
    noPassword.on('error', () => undefined);
    await assert.rejects(noPassword.connect(), /password authentication failed/);
    const conn1 = await mongoose.createConnection(first.uri).asPromise();
    await conn1.collection('notes').insertOne({ text: 'persisted' });
    await conn1.close();
    await first.stop();
    assert.equal(await canConnect(Number(new URL(first.uri).port)), false, 'FerretDB is gone after stop()');
    assert.equal(await canConnect(first.postgres.port), false, 'PostgreSQL is gone after stop()');

    const second = await startEmbeddedDatabase({ dataDir, dbName: 'restart-check', tuning: 'fast' });
    try {
      const conn2 = await mongoose.createConnection(second.uri).asPromise();
      const doc = await conn2.collection('notes').findOne({ text: 'persisted' });
      await conn2.close();
      assert.equal(doc?.text, 'persisted');
    } finally {
      await second.stop();
    }
  });

  test('a PostgreSQL that dies is restarted, with a log line, and queries work again', async () => {
    const lines: string[] = [];
    // durable: with fsync off a crash right after a write may lose it, which is what `fast` test clusters accept
    const server = await startEmbeddedDatabase({ dataDir, dbName: 'crash-check', tuning: 'durable', log: (m) => lines.push(m) });
    const conn = await mongoose.createConnection(server.uri, { serverSelectionTimeoutMS: 2_000 }).asPromise();
    try {
      await conn.collection('notes').insertOne({ text: 'before' });
      const pid = server.postgres.pid();
      assert.ok(pid);
      process.kill(pid, 'SIGKILL');
      let found: unknown;
      // the supervisor's probe may notice the restart a moment after a query already succeeds: wait for both
      const restartLogged = () => lines.some((l) => /postgres: running again/.test(l));
      for (let i = 0; i < 100 && !(found && restartLogged()); i++) {
        await new Promise((r) => setTimeout(r, 200));
        found ??= await conn.collection('notes').findOne({ text: 'before' }).catch(() => undefined);
      }
      assert.ok(found, 'the data is back after the restart');
      assert.ok(lines.some((l) => /postgres: exited unexpectedly/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => /postgres: running again/.test(l)), lines.join('\n'));
      assert.notEqual(server.postgres.pid(), pid);
    } finally {
      await conn.close();
      await server.stop();
    }
  });
});

describe('index-backed lookups on the embedded server (DESIGN: GIN twins of the declared indexes)', () => {
  let server: TestDatabase;
  let db: Database;
  before(async () => {
    server = await startTestDatabase();
    db = await connectDatabase(server.uri, { syncIndexes: server.syncIndexes });
  });
  after(async () => {
    await db?.close();
    await server?.stop();
  });

  test('every declared index has a GIN twin, and lookups use it after the app has served traffic', async (t) => {
    if (!server.postgres) return t.diagnostic('real MongoDB: the declared indexes serve the queries directly');
    const client = new pg.Client(server.postgres);
    await client.connect();
    try {
      const schema = new URL(server.uri).pathname.slice(1);
      const indexes = (await client.query<{ tablename: string; indexname: string; indexdef: string }>('SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1', [schema])).rows;
      const btrees = indexes.filter((i) => / USING btree /.test(i.indexdef) && !i.tablename.startsWith('_ferretdb'));
      assert.ok(btrees.length >= 10, 'the models declared their indexes');
      for (const b of btrees) assert.ok(indexes.some((i) => i.indexname === `${b.indexname}_gin`), `GIN twin of ${b.indexname}`);

      const { User } = db.models;
      const storeId = new mongoose.Types.ObjectId();
      await User.insertMany(Array.from({ length: 300 }, (_, i) => ({ storeId, username: `u${i}`, name: 'n', role: 'cashier', passwordHash: 'x' })));
      const table = (await client.query<{ tablename: string }>("SELECT tablename FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'users%' LIMIT 1", [schema])).rows[0]?.tablename;
      assert.ok(table);
      await client.query(`ANALYZE ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`);
      const stats = async () =>
        (await client.query<{ seq_scan: string; idx_scan: string }>('SELECT seq_scan, idx_scan FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2', [schema, table])).rows[0];
      // more runs than PostgreSQL's five custom plans before it would switch a prepared statement to a generic one
      for (let i = 0; i < 8; i++) await User.findOne({ storeId, username: `u${i}` }).lean();
      // other sessions report their statistics when idle, at the latest after ten seconds
      const settled = async (done: (s: Awaited<ReturnType<typeof stats>>) => boolean) => {
        let current = await stats();
        for (let i = 0; i < 150 && !done(current); i++) {
          await new Promise((r) => setTimeout(r, 100));
          current = await stats();
        }
        return current;
      };
      const warm = await stats();
      const before = await settled((s) => Number(s?.idx_scan) - Number(warm?.idx_scan) >= 0 && Number(s?.idx_scan) >= 8);
      assert.ok(before);
      for (let i = 0; i < 20; i++) assert.ok(await User.findOne({ storeId, username: `u${i}` }).lean());
      const later = await settled((s) => Number(s?.idx_scan) - Number(before.idx_scan) >= 20);
      assert.ok(later);
      assert.ok(Number(later.idx_scan) - Number(before.idx_scan) >= 20, 'every lookup used an index');
      assert.equal(Number(later.seq_scan) - Number(before.seq_scan), 0, 'no sequential scan of users');
    } finally {
      await client.end();
    }
  });

  test('the tables every sign-in and refresh writes are vacuumed little and often (issue 22)', async (t) => {
    if (!server.postgres) return t.diagnostic('real MongoDB: no PostgreSQL to tune');
    const client = new pg.Client(server.postgres);
    await client.connect();
    try {
      const schema = new URL(server.uri).pathname.slice(1);
      const { rows } = await client.query<{ relname: string; reloptions: string[] | null }>(
        'SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = $2',
        [schema, 'r'],
      );
      const optionsOf = (collection: string) => rows.find((r) => r.relname.startsWith(`${collection}_`))?.reloptions ?? [];
      for (const collection of HOT_COLLECTIONS) {
        for (const [name, value] of Object.entries(HOT_TABLE_SETTINGS)) assert.ok(optionsOf(collection).includes(`${name}=${value}`), `${collection}: ${name}=${value} in ${optionsOf(collection).join(',')}`);
      }
      // a cold table keeps PostgreSQL's defaults
      assert.deepEqual(optionsOf('users'), []);
    } finally {
      await client.end();
    }
  });
});
