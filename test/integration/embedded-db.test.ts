// The embedded database path (DESIGN "The database"): FerretDB/SQLite speaks the wire protocol mongoose needs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../src/db/embedded.js';
import { startTestDatabase, type TestDatabase } from '../helpers/ferretdb.js';

function refusesConnections(uri: string): Promise<boolean> {
  const { hostname, port } = new URL(uri);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('embedded database (FerretDB, or TEST_MONGODB_URI when set)', () => {
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
    const updated = await Model.findOneAndUpdate({ key: 'alpha' }, { $inc: { count: 2 } }, { returnDocument: 'after' }).lean();
    assert.equal(updated?.count, 3);
    const found = await Model.findOne({ key: 'alpha' }).lean();
    assert.equal(found?.key, 'alpha');
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

  test('the data is there on a new connection', async () => {
    await conn.close();
    conn = await mongoose.createConnection(db.uri).asPromise();
    const Model = conn.model('EmbeddedItem', Item);
    assert.equal(await Model.countDocuments({}), 2);
  });
});

describe('startEmbeddedMongo (the default when MONGODB_URI is unset)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-embedded-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('keeps data in its directory across a server restart, and stop() ends the server', async () => {
    const first = await startEmbeddedMongo({ dataDir, port: 0, dbName: 'restart-check' });
    assert.match(first.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/restart-check$/);
    const conn1 = await mongoose.createConnection(first.uri).asPromise();
    await conn1.collection('notes').insertOne({ text: 'persisted' });
    await conn1.close();
    await first.stop();
    assert.equal(await refusesConnections(first.uri), true, 'port is closed after stop()');

    const second = await startEmbeddedMongo({ dataDir, dbName: 'restart-check' });
    try {
      const conn2 = await mongoose.createConnection(second.uri).asPromise();
      const doc = await conn2.collection('notes').findOne({ text: 'persisted' });
      await conn2.close();
      assert.equal(doc?.text, 'persisted');
    } finally {
      await second.stop();
    }
  });
});
