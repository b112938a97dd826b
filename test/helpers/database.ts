// A throw-away MongoDB-compatible database per test file: a fresh database on the run's shared embedded server
// (test/global-setup.mjs), on TEST_MONGODB_URI when set, or on an embedded server of its own.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type pg from 'pg';
import { ensureContainmentIndexes } from '../../src/db/containment-indexes.js';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';

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
    return { ...onServer(withDatabase(server.uri, dbName)), postgres: server.postgres, syncIndexes: () => ensureContainmentIndexes(server.postgres, dbName) };
  }
  return startOwnServer(dbName);
}

/** An embedded server of the caller's own (tests that stop and start the database). */
export async function startOwnServer(dbName = 'mfa-idp-test'): Promise<TestDatabase & { halt(): Promise<void>; restart(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-test-db-'));
  let server = await startEmbeddedDatabase({ dataDir, dbName, tuning: 'fast' }).catch(async (err) => {
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
    /** Stops the server, keeping its data (an outage). */
    halt: () => server.stop(),
    /** Starts it again on the same port and data (after halt(), or as a restart). */
    async restart() {
      await server.stop();
      server = await startEmbeddedDatabase({ dataDir, dbName, tuning: 'fast', port });
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
