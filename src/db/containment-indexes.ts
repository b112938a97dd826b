// GIN twins of FerretDB's indexes, so its containment filters are index-backed on the embedded PostgreSQL.
//
// FerretDB 1.24.2 (pinned in tools/ferretdb/go.mod) stores each collection as a table with one jsonb column `_jsonb`,
// creates every MongoDB index as a btree on `((_jsonb -> 'field'))`, and pushes an equality filter down as
// `_jsonb -> 'field' @> '<value>'`. A btree cannot serve `@>`; a GIN index on the same expression can. For every
// btree FerretDB made on a top-level field we create `<its name>_gin` USING gin on the same expressions. This is safe
// on the pinned version: FerretDB only knows the indexes in its own metadata table, never lists or drops ours (a
// dropped collection drops its table and our index with it), and its own names end in `_idx`, ours in `_gin`.
// PostgreSQL must plan each statement with its values (plan_cache_mode = force_custom_plan, set in
// embedded-postgres.ts): FerretDB passes the field name as a statement parameter, which a generic plan cannot match.
import pg from 'pg';

const METADATA_TABLE = '_ferretdb_database_metadata';
// `((_jsonb -> 'field'::text))`, as pg_get_indexdef prints FerretDB's expression on a top-level field
const FIELD = /\(_jsonb -> '((?:[^']|'')+)'::text\)/g;

export interface ContainmentIndex {
  table: string;
  name: string;
  fields: string[];
}

/** FerretDB's btree indexes in one database (a PostgreSQL schema) and the GIN index each needs. */
export async function plannedContainmentIndexes(client: pg.Client, schema: string): Promise<ContainmentIndex[]> {
  // this schema's indexes first, then their definitions: pg_indexes may read the definition of another schema's index
  // before filtering, and fails when that one is being dropped (a test database going away on the same server)
  const { rows } = await client.query<{ tablename: string; indexname: string; indexdef: string }>(
    `WITH ours AS MATERIALIZED (
       SELECT t.relname AS tablename, i.relname AS indexname, i.oid AS index_oid
       FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND t.relname <> $2
     )
     SELECT tablename, indexname, pg_get_indexdef(index_oid) AS indexdef FROM ours`,
    [schema, METADATA_TABLE],
  );
  return rows.flatMap((row) => {
    if (!row.indexdef.includes(' USING btree ')) return [];
    const fields = [...row.indexdef.matchAll(FIELD)].map((m) => (m[1] ?? '').replaceAll("''", "'"));
    // nested paths (`_jsonb -> 'a' -> 'b'`) are pushed down with `#>`, which these indexes would not serve
    if (!fields.length || row.indexdef.includes("' -> '")) return [];
    return [{ table: row.tablename, name: `${row.indexname}_gin`, fields }];
  });
}

/** Creates the missing GIN twins; returns the names created. Idempotent, so every start can run it. */
export async function ensureContainmentIndexes(config: pg.ClientConfig, schema: string): Promise<string[]> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const existing = new Set(
      (await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [schema])).rows.map((r) => r.indexname),
    );
    const created: string[] = [];
    for (const index of await plannedContainmentIndexes(client, schema)) {
      if (existing.has(index.name)) continue;
      const columns = index.fields.map((f) => `(_jsonb -> ${client.escapeLiteral(f)}) jsonb_path_ops`).join(', ');
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${client.escapeIdentifier(index.name)} ON ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(index.table)} USING gin (${columns})`,
      );
      created.push(index.name);
    }
    return created;
  } finally {
    await client.end();
  }
}
