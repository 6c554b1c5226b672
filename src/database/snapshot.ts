/** What the snapshot needs of an engine's session: PGlite has this shape, and so does the real server's adapter. */
export interface SqlRunner {
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

/** Where the setup's rows are kept between runs; never a user's schema. */
const snapshotSchema = 'rtcsim_snapshot';
/** Where the engine notes that a run changed the schema; never a user's schema, never wiped. */
const watchSchema = 'rtcsim';

// Schemas that belong to Postgres itself (pg_catalog, pg_toast, pg_temp_N, information_schema) or to us.
const userSchemaFilter = `n.nspname NOT IN ('information_schema', '${snapshotSchema}', '${watchSchema}') AND n.nspname NOT LIKE 'pg\\_%'`;

/**
 * Installs, once per engine, an event trigger that notes any DDL (CREATE, ALTER, DROP …) in a one-row table.
 * The note is transactional: DDL rolled back leaves no note. A digest of the catalogs, tried first, cost
 * ~20 ms a run; reading the note costs nothing measurable.
 */
export async function watchSchemaChanges(pglite: SqlRunner): Promise<void> {
  await pglite.exec(`CREATE SCHEMA ${watchSchema};
    CREATE TABLE ${watchSchema}.state (schema_changed boolean NOT NULL);
    INSERT INTO ${watchSchema}.state VALUES (false);
    CREATE FUNCTION ${watchSchema}.note_schema_change() RETURNS event_trigger LANGUAGE plpgsql
      AS $$ BEGIN UPDATE ${watchSchema}.state SET schema_changed = true; END $$;
    CREATE EVENT TRIGGER rtcsim_schema_change ON ddl_command_end EXECUTE FUNCTION ${watchSchema}.note_schema_change();`);
}

/** The SQLSTATE our own check raises (class RS is not Postgres's). */
export const schemaChangedCode = 'RS001';

const schemaUnchangedCheck = `DO $$ BEGIN
  IF (SELECT schema_changed FROM ${watchSchema}.state) THEN
    RAISE EXCEPTION 'the schema changed since the snapshot' USING ERRCODE = '${schemaChangedCode}';
  END IF;
END $$;`;

// What a run may leave in the session, undone inside one script (DISCARD ALL cannot run in one).
export const sessionReset = 'RESET ALL; DEALLOCATE ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); SET synchronous_commit = off;';

/** What a fresh run is restored to: one script that puts the setup's rows back. */
export interface Snapshot {
  /**
   * Checks the schema is unchanged, resets the session, empties every user table, re-inserts the setup's
   * rows and resets every sequence: one round trip, one implicit transaction.
   */
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
export async function takeSnapshot(pglite: SqlRunner): Promise<Snapshot> {
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
    // Stryker disable next-line OptionalChaining: count(*) always answers one row
    const copied = count.rows[0]?.count ?? 0;
    rows += copied;
    if (copied > 0) restore.push(`INSERT INTO ${table.qualified} (${table.columns}) OVERRIDING SYSTEM VALUE SELECT ${table.columns} FROM ${copy};`);
  }
  const sequences = await pglite.query<{ qualified: string; value: string; called: boolean }>(
    `SELECT format('%I.%I', schemaname, sequencename) AS qualified, coalesce(last_value, start_value)::text AS value,
      last_value IS NOT NULL AS called FROM pg_sequences WHERE schemaname NOT IN ('information_schema', '${snapshotSchema}', '${watchSchema}')
      AND schemaname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  // TRUNCATE, not DELETE, though DELETE is 3–5× faster here (bench/database.ts): TRUNCATE gives each table
  // a new, empty heap, so the rows re-inserted and the run's own land in the same physical places every
  // run, and a query without ORDER BY returns them in the same order whatever ran before. DELETE leaves the
  // heap growing, its free space shaped by the runs before (test/database: "same physical places").
  const empty = tables.rows.length === 0 ? [] : [`TRUNCATE TABLE ${tables.rows.map((table) => table.qualified).join(', ')};`];
  const setSequences = sequences.rows.map((sequence) => `SELECT setval('${sequence.qualified.replaceAll("'", "''")}', ${sequence.value}, ${sequence.called});`);
  // Foreign keys are not checked while the rows go back in (session_replication_role = replica): the rows
  // were consistent when copied, and tables are restored in name order, not in dependency order.
  // READ WRITE first: the script is one implicit transaction, begun before RESET ALL runs, so a run that left
  // `default_transaction_read_only` on would otherwise make the TRUNCATE fail (25006) and the next run with it.
  const statements = ['SET TRANSACTION READ WRITE;', schemaUnchangedCheck, sessionReset, 'SET session_replication_role = replica;', ...empty, ...restore, ...setSequences, 'SET session_replication_role = origin;'];
  // Stryker disable next-line StringLiteral: every statement ends with its own semicolon; the newlines are for a reader
  const restoreScript = statements.join('\n');
  await pglite.exec(`UPDATE ${watchSchema}.state SET schema_changed = false`);
  return { restoreScript, tables: tables.rows.length, rows };
}

/**
 * Puts the snapshot back, then runs `epilogue` in the same round trip. False when the run changed the schema:
 * the caller must build the database again.
 */
export async function restoreSnapshot(pglite: Pick<SqlRunner, 'exec'>, snapshot: Snapshot, epilogue: string): Promise<boolean> {
  try {
    // One implicit transaction: a failure rolls it all back and leaves the session outside a transaction.
    await pglite.exec(`${snapshot.restoreScript}\n${epilogue}`);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === schemaChangedCode) return false;
    throw error;
  }
}

/** Drops every user schema (and the snapshot) and leaves an empty `public`, as a new database has. */
export async function wipeUserSchemas(pglite: SqlRunner): Promise<void> {
  const schemas = await pglite.query<{ name: string }>(
    `SELECT quote_ident(nspname) AS name FROM pg_namespace n WHERE n.nspname NOT IN ('information_schema', '${watchSchema}') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  const drops = schemas.rows.map((schema) => `DROP SCHEMA ${schema.name} CASCADE;`);
  const statements = [...drops, 'CREATE SCHEMA public AUTHORIZATION pg_database_owner;', 'GRANT USAGE ON SCHEMA public TO PUBLIC;'];
  // Stryker disable next-line StringLiteral: every statement ends with its own semicolon; the newlines are for a reader
  await pglite.exec(statements.join('\n'));
}
