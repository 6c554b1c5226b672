import type { PGlite } from '@electric-sql/pglite';

/** Where the setup's rows are kept between runs; never a user's schema. */
const snapshotSchema = 'rtcsim_snapshot';

// Schemas that belong to Postgres itself (pg_catalog, pg_toast, pg_temp_N, information_schema) or to us.
const userSchemaFilter = `n.nspname NOT IN ('information_schema', '${snapshotSchema}') AND n.nspname NOT LIKE 'pg\\_%'`;

// A digest of everything a run could change in the user's schema: relations and their columns, functions,
// constraints and triggers. Equal digests before and after a run mean rows are all there is to restore.
const fingerprintQuery = `SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) AS fingerprint FROM (
  SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userSchemaFilter}
  UNION ALL SELECT a.attrelid::regclass::text || '.' || a.attname || ':' || a.atttypid::text || ':' || a.attnotnull::text
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${userSchemaFilter} AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT n.nspname || '.' || p.proname || ':' || md5(coalesce(p.prosrc, ''))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${userSchemaFilter}
  UNION ALL SELECT n.nspname || '.' || o.conname || ':' || o.contype::text
    FROM pg_constraint o JOIN pg_namespace n ON n.oid = o.connamespace WHERE ${userSchemaFilter}
  UNION ALL SELECT t.tgrelid::regclass::text || '.' || t.tgname FROM pg_trigger t WHERE NOT t.tgisinternal
) AS items`;

/** What a fresh run is restored to: the schema's digest and one script that puts the setup's rows back. */
export interface Snapshot {
  readonly fingerprint: string;
  /** TRUNCATE every user table, re-insert the setup's rows, reset every sequence: one round trip. */
  readonly restoreScript: string;
  /** How many user tables and seed rows the snapshot holds (for reports and the bench). */
  readonly tables: number;
  readonly rows: number;
}

interface TableRow {
  readonly qualified: string;
  readonly columns: string;
}

/** Records the database as the setup left it: copies of the non-empty tables and every sequence's state. */
export async function takeSnapshot(pglite: PGlite): Promise<Snapshot> {
  await pglite.exec(`DROP SCHEMA IF EXISTS ${snapshotSchema} CASCADE; CREATE SCHEMA ${snapshotSchema};`);
  const tables = await pglite.query<TableRow>(`SELECT format('%I.%I', n.nspname, c.relname) AS qualified,
      (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND ${userSchemaFilter} ORDER BY n.nspname, c.relname`);
  const restore: string[] = [];
  let rows = 0;
  for (const [index, table] of tables.rows.entries()) {
    const copy = `${snapshotSchema}.t${index}`;
    await pglite.exec(`CREATE TABLE ${copy} AS SELECT ${table.columns} FROM ${table.qualified}`);
    const count = await pglite.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${copy}`);
    const copied = count.rows[0]?.count ?? 0;
    rows += copied;
    if (copied > 0) restore.push(`INSERT INTO ${table.qualified} (${table.columns}) OVERRIDING SYSTEM VALUE SELECT ${table.columns} FROM ${copy};`);
  }
  const sequences = await pglite.query<{ qualified: string; value: string; called: boolean }>(
    `SELECT format('%I.%I', schemaname, sequencename) AS qualified, coalesce(last_value, start_value)::text AS value,
      last_value IS NOT NULL AS called FROM pg_sequences WHERE schemaname NOT IN ('information_schema', '${snapshotSchema}')
      AND schemaname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  const truncate = tables.rows.length === 0 ? [] : [`TRUNCATE TABLE ${tables.rows.map((table) => table.qualified).join(', ')};`];
  const setSequences = sequences.rows.map((sequence) => `SELECT setval('${sequence.qualified.replaceAll("'", "''")}', ${sequence.value}, ${sequence.called});`);
  // Foreign keys are not checked while the rows go back in (session_replication_role = replica): the rows
  // were consistent when copied, and tables are restored in name order, not in dependency order.
  const restoreScript = ['SET session_replication_role = replica;', ...truncate, ...restore, ...setSequences, 'SET session_replication_role = origin;'].join('\n');
  return { fingerprint: await fingerprint(pglite), restoreScript, tables: tables.rows.length, rows };
}

/**
 * Puts the snapshot back. False when the run changed the schema (the digest differs, or the script failed
 * on a table the run dropped): the caller must build the database again.
 */
export async function restoreSnapshot(pglite: PGlite, snapshot: Snapshot): Promise<boolean> {
  if ((await fingerprint(pglite)) !== snapshot.fingerprint) return false;
  try {
    await pglite.exec(snapshot.restoreScript);
    return true;
  } catch {
    if (pglite.isInTransaction()) await pglite.exec('ROLLBACK');
    return false;
  }
}

/** Drops every user schema (and the snapshot) and leaves an empty `public`, as a new database has. */
export async function wipeUserSchemas(pglite: PGlite): Promise<void> {
  const schemas = await pglite.query<{ name: string }>(
    `SELECT quote_ident(nspname) AS name FROM pg_namespace n WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  const drops = schemas.rows.map((schema) => `DROP SCHEMA ${schema.name} CASCADE;`).join('\n');
  await pglite.exec(`${drops}\nCREATE SCHEMA public AUTHORIZATION pg_database_owner;\nGRANT USAGE ON SCHEMA public TO PUBLIC;`);
}

async function fingerprint(pglite: PGlite): Promise<string> {
  const result = await pglite.query<{ fingerprint: string }>(fingerprintQuery);
  return result.rows[0]?.fingerprint ?? '';
}
