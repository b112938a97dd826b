// A throw-away MongoDB-compatible database per call: embedded FerretDB in a temp dir, or a fresh database on TEST_MONGODB_URI.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../src/db/embedded.js';
import { freePort } from './free-port.js';

export interface TestDatabase {
  uri: string;
  stop(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const external = process.env.TEST_MONGODB_URI;
  if (external) return useExternalServer(external);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-test-db-'));
  try {
    const server = await startEmbeddedMongo({ dataDir, port: await freePort(), dbName: 'mfa-idp-test' });
    return {
      uri: server.uri,
      async stop() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function useExternalServer(baseUri: string): Promise<TestDatabase> {
  const uri = withDatabase(baseUri, `mfa_idp_test_${randomBytes(6).toString('hex')}`);
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
  if (!match) throw new Error(`TEST_MONGODB_URI is not a mongodb:// URI: ${uri}`);
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}
