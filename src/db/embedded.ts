// The embedded default database: FerretDB over an embedded PostgreSQL, with index-backed containment queries.
import path from 'node:path';
import type pg from 'pg';
import { ensureContainmentIndexes } from './containment-indexes.js';
import { tuneHotTables } from './embedded-autovacuum.js';
import { startEmbeddedFerretdb } from './embedded-ferretdb.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

export interface EmbeddedDatabaseOptions {
  /** Directory for the PostgreSQL cluster; created when missing. One server per directory. */
  dataDir: string;
  /** FerretDB's TCP port on 127.0.0.1; 0 or undefined picks a free one. */
  port?: number;
  /** The embedded PostgreSQL's TCP port on 127.0.0.1; 0 or undefined picks a free one. */
  postgresPort?: number;
  /** Database name put in the returned URI (default 'mfa-idp'). */
  dbName?: string;
  /** `fast` skips fsync: for throw-away test and bench clusters only. */
  tuning?: 'durable' | 'fast';
  log?: (msg: string) => void;
  /** FerretDB's own output, line by line; chatty (every error reply is logged), so route it to debug logging. */
  onOutput?: (line: string) => void;
  /** FerretDB's Go memory statistics on this loopback port (benchmarks; see tools/ferretdb). */
  ferretdbDebugPort?: number;
}

export interface EmbeddedDatabase {
  uri: string;
  postgres: EmbeddedPostgres;
  /** Makes every index the models declared usable by FerretDB's filters; run after creating them. */
  syncIndexes(): Promise<string[]>;
  /** PIDs of the database processes (for measurements). */
  pids(): number[];
  stop(): Promise<void>;
}

/**
 * After the models made their collections and indexes: the GIN twins of the indexes, and the hot tables' autovacuum
 * settings (src/db/embedded-autovacuum.ts). FerretDB keeps each MongoDB database in the PostgreSQL schema of its name.
 */
export async function syncEmbeddedSchema(config: pg.ClientConfig, dbName: string): Promise<string[]> {
  const created = await ensureContainmentIndexes(config, dbName);
  await tuneHotTables(config, dbName);
  return created;
}

export async function startEmbeddedDatabase(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {});
  const dbName = opts.dbName ?? 'mfa-idp';
  const postgres = await startEmbeddedPostgres({ dataDir: path.resolve(opts.dataDir), port: opts.postgresPort, tuning: opts.tuning, ownerPort: opts.port, log });
  try {
    const ferretdb = await startEmbeddedFerretdb({ postgres, port: opts.port, log, onOutput: opts.onOutput, debugPort: opts.ferretdbDebugPort });
    return {
      uri: `mongodb://127.0.0.1:${ferretdb.port}/${encodeURIComponent(dbName)}`,
      postgres,
      syncIndexes: () => syncEmbeddedSchema(postgres.clientConfig(), dbName),
      pids: () => [ferretdb.pid(), postgres.pid()].filter((p): p is number => p !== undefined),
      async stop() {
        await ferretdb.stop();
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}
