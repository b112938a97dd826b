// Connects mongoose, creates indexes for the server kind (TTL only on real MongoDB) and sweeps expired documents.
import mongoose, { type Connection } from 'mongoose';
import { createModels, EXPIRING, type Models } from '../models/index.js';

export interface Database {
  conn: Connection;
  models: Models;
  kind: 'mongodb' | 'ferretdb';
  close(): Promise<void>;
}

export async function connectDatabase(uri: string, opts: { sweepEveryMs?: number } = {}): Promise<Database> {
  const conn = await mongoose
    .createConnection(uri, { autoIndex: false, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  const models = createModels(conn);
  if (!conn.db) throw new Error('database: the connection opened without a database handle');
  const buildInfo = await conn.db.admin().command({ buildInfo: 1 });
  const kind = 'ferretdbVersion' in buildInfo || 'ferretdb' in buildInfo ? 'ferretdb' : 'mongodb';

  for (const model of Object.values(models)) await model.createIndexes();
  if (kind === 'mongodb') {
    // A TTL index is housekeeping only: every query filters expiresAt itself, because the TTL monitor lags.
    for (const name of EXPIRING) {
      await models[name].collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
    }
  }

  const sweep = async () => {
    const now = new Date();
    for (const name of EXPIRING) {
      const model = models[name] as unknown as { deleteMany(f: object): Promise<unknown> };
      await model.deleteMany({ expiresAt: { $lte: now } }).catch(() => undefined);
    }
  };
  const timer = setInterval(() => void sweep(), opts.sweepEveryMs ?? 60_000);
  timer.unref();

  return {
    conn,
    models,
    kind,
    async close() {
      clearInterval(timer);
      await conn.close();
    },
  };
}
