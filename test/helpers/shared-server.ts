// One embedded server (FerretDB over PostgreSQL) for the whole `npm test` run; each test file makes its own database.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { SHARED_SERVER_ENV, type SharedServer } from './database.js';

let server: EmbeddedDatabase | undefined;
let dataDir: string | undefined;

export async function globalSetup() {
  if (process.env.TEST_MONGODB_URI) return;
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mfa-idp-test-server-'));
  server = await startEmbeddedDatabase({ dataDir, dbName: 'unused', tuning: 'fast' });
  const shared: SharedServer = { uri: server.uri, postgres: server.postgres.clientConfig() };
  process.env[SHARED_SERVER_ENV] = JSON.stringify(shared);
}

export async function globalTeardown() {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
