// A throw-away MongoDB-compatible database per test file: a fresh database on the run's shared embedded server
// (test/global-setup.mjs), on TEST_MONGODB_URI when set, or on an embedded server of its own.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import type pg from 'pg';
import { startEmbeddedDatabase, syncEmbeddedSchema } from '../../src/db/embedded.js';

export interface TestDatabase {
  uri: string;
  /** For connectDatabase: the embedded server's GIN twins of the declared indexes. */
  syncIndexes?: () => Promise<unknown>;
  /** PostgreSQL under the embedded server (undefined on real MongoDB). */
  postgres?: pg.ClientConfig;
  stop(): Promise<void>;
}

/** Set by test/global-setup.ts for every test file of `npm test`. */
export const SHARED_SERVER_ENV = 'TEST_EMBEDDED_SERVER';

export interface SharedServer {
  uri: string;
  postgres: pg.ClientConfig;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const dbName = `test_${randomBytes(6).toString('hex')}`;
  const external = process.env.TEST_MONGODB_URI;
  if (external) return onServer(withDatabase(external, dbName));
  const shared = process.env[SHARED_SERVER_ENV];
  if (shared) {
    const server = JSON.parse(shared) as SharedServer;
    return { ...onServer(withDatabase(server.uri, dbName)), postgres: server.postgres, syncIndexes: () => syncEmbeddedSchema(server.postgres, dbName) };
  }
  return startOwnServer(dbName);
}

/**
 * An embedded server of the caller's own (tests that stop and start the database). `durable` for tests that kill
 * PostgreSQL: the fast settings (no fsync, asynchronous commit) lose the last commits in a crash.
 */
export async function startOwnServer(dbName = 'mfa-idp-test', tuning: 'fast' | 'durable' = 'fast'): Promise<TestDatabase & { pids(): number[]; halt(): Promise<void>; restart(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-test-db-'));
  let server = await startEmbeddedDatabase({ dataDir, dbName, tuning }).catch(async (err) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  const port = Number(new URL(server.uri).port);
  return {
    uri: server.uri,
    get postgres() {
      return server.postgres.clientConfig();
    },
    syncIndexes: () => server.syncIndexes(),
    /** The embedded server's processes: FerretDB's, then PostgreSQL's (to kill one, as a crash would). */
    pids: () => server.pids(),
    /** Stops the server, keeping its data (an outage). */
    halt: () => server.stop(),
    /** Starts it again on the same port and data (after halt(), or as a restart). */
    async restart() {
      await server.stop();
      server = await startEmbeddedDatabase({ dataDir, dbName, tuning, port });
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function onServer(uri: string): TestDatabase {
  return {
    uri,
    async stop() {
      const conn = await mongoose.createConnection(uri).asPromise();
      try {
        await conn.dropDatabase();
      } finally {
        await conn.close();
      }
    },
  };
}

/** Replaces the database path of a mongodb:// or mongodb+srv:// URI (which may list several hosts). */
export function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a mongodb:// URI: ${uri}`);
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}

/**
 * Kills the embedded PostgreSQL (as a crash would) and keeps its port taken, so its supervisor cannot start it again
 * until the returned function gives the port back: an outage of PostgreSQL alone, FerretDB still answering.
 */
export async function holdPostgresDown(server: { pids(): number[]; postgres?: pg.ClientConfig }): Promise<() => Promise<void>> {
  const [, pid] = server.pids();
  const port = server.postgres?.port;
  if (!pid || !port) throw new Error('holdPostgresDown: no embedded PostgreSQL');
  process.kill(pid, 'SIGKILL');
  // the port is free once the killed server is gone (its own exit, not a timer)
  // whoever connects meanwhile (FerretDB) is hung up on, as by a server that is not there
  const blocker = net.createServer((socket) => socket.destroy());
  for (;;) {
    const bound = await new Promise<boolean>((resolve) => {
      const failed = () => {
        blocker.off('listening', listening);
        resolve(false);
      };
      const listening = () => {
        blocker.off('error', failed);
        resolve(true);
      };
      blocker.once('error', failed).once('listening', listening).listen(port, '127.0.0.1');
    });
    if (bound) break;
    await new Promise((r) => setImmediate(r));
  }
  return () => new Promise<void>((resolve) => blocker.close(() => resolve()));
}
