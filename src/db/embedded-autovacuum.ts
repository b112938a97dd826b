// Autovacuum for the embedded PostgreSQL's hot tables (issue 22): the collections every sign-in and refresh writes
// (oidc_payloads: interactions, sessions, grants, codes, tokens and their consume-once markers; consumed_markers:
// throttle slots and TOTP steps) are vacuumed little and often instead of in rare large runs, and each run yields the
// CPU more often, so a vacuum of a 100k-row table no longer doubles PostgreSQL's cost per sign-in while it runs.
//
// None of this touches durability: vacuum removes only row versions no transaction can see any more, and its work is
// WAL-logged like any other. Commits still wait for their WAL flush (fsync, synchronous_commit and full_page_writes
// stay on in the `durable` tuning), so a consume-once marker whose insert was answered is on disk, and no crash brings
// back a document (or takes away a marker) that a committed command changed. Markers leave only through the sweeper,
// after what they guard has expired.
import pg from 'pg';

export const HOT_COLLECTIONS = ['oidc_payloads', 'consumed_markers'];

// per-table storage parameters (PostgreSQL 16: CREATE TABLE "Storage Parameters")
export const HOT_TABLE_SETTINGS: Record<string, number> = {
  // vacuum once 1% of the rows (plus 500) are dead, not 20%: each run has a fiftieth of the work
  autovacuum_vacuum_scale_factor: 0.01,
  autovacuum_vacuum_threshold: 500,
  // the same for rows only inserted (markers, tokens): the visibility map stays current, index-only reads stay cheap
  autovacuum_vacuum_insert_scale_factor: 0.02,
  autovacuum_vacuum_insert_threshold: 1000,
  // statistics follow the table's growth (the planner picks the GIN indexes by them)
  autovacuum_analyze_scale_factor: 0.02,
  // a run sleeps 5 ms after each 200 cost units (default 2 ms): it spreads over time instead of taking a core at once
  autovacuum_vacuum_cost_delay: 5,
};

const METADATA_TABLE = '_ferretdb_database_metadata';

/** Sets the hot tables' autovacuum parameters in one database (FerretDB's PostgreSQL schema); idempotent. */
export async function tuneHotTables(config: pg.ClientConfig, schema: string): Promise<string[]> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    // FerretDB names each collection's table in its metadata table
    const { rows } = await client.query<{ name: string; table: string }>(
      `SELECT _jsonb ->> '_id' AS name, _jsonb ->> 'table' AS table FROM ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(METADATA_TABLE)} WHERE _jsonb ->> '_id' = ANY($1)`,
      [HOT_COLLECTIONS],
    );
    const settings = Object.entries(HOT_TABLE_SETTINGS).map(([k, v]) => `${k} = ${v}`).join(', ');
    for (const { table } of rows) await client.query(`ALTER TABLE ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)} SET (${settings})`);
    return rows.map((r) => r.table);
  } finally {
    await client.end();
  }
}
