// Connects mongoose and creates indexes for the server kind (TTL only on real MongoDB); src/db/housekeeping.ts sweeps.
import mongoose, { type Connection, type mongo } from 'mongoose';
import { createModels, EXPIRING, type Models } from '../models/index.js';
import { migrate } from './migrations.js';

export interface Database {
  conn: Connection;
  models: Models;
  kind: 'mongodb' | 'ferretdb';
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Runs after the declared indexes exist (the embedded server adds its GIN twins here). */
  syncIndexes?: () => Promise<unknown>;
  /** Sees every command (MongoDB command monitoring): metrics, and tests that count commands and check filters. */
  monitor?: CommandMonitor;
}

export interface CommandMonitor {
  started?: (event: mongo.CommandStartedEvent) => void;
  succeeded?: (event: mongo.CommandSucceededEvent) => void;
  failed?: (event: mongo.CommandFailedEvent) => void;
}

// While the database is unreachable a request fails within about two seconds instead of hanging (503 page).
const SERVER_SELECTION_TIMEOUT_MS = 2_000;

export async function connectDatabase(uri: string, opts: ConnectOptions = {}): Promise<Database> {
  const conn = mongoose.createConnection(uri, {
    autoIndex: false,
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    // a used code, a rotated refresh token or a counted failure must survive a failover (README: past one machine)
    writeConcern: { w: 'majority' },
    monitorCommands: Boolean(opts.monitor),
  });
  const { started, succeeded, failed } = opts.monitor ?? {};
  if (started) conn.getClient().on('commandStarted', started);
  if (succeeded) conn.getClient().on('commandSucceeded', succeeded);
  if (failed) conn.getClient().on('commandFailed', failed);
  await conn.asPromise();
  const models = createModels(conn);
  if (!conn.db) throw new Error('database: the connection opened without a database handle');
  const buildInfo = await conn.db.admin().command({ buildInfo: 1 });
  const kind = 'ferretdbVersion' in buildInfo || 'ferretdb' in buildInfo ? 'ferretdb' : 'mongodb';

  for (const model of Object.values(models)) await model.createIndexes();
  await opts.syncIndexes?.();
  if (kind === 'mongodb') {
    // A TTL index is housekeeping only: every query filters expiresAt itself, because the TTL monitor lags.
    for (const name of EXPIRING) {
      await models[name].collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
    }
  }

  await migrate(models);

  return {
    conn,
    models,
    kind,
    async close() {
      await conn.close();
    },
  };
}
