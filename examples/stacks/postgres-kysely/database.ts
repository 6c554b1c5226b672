// The app's database module, as it is in production: Kysely's PostgresDialect over a node-postgres pool on
// DATABASE_URL. Nothing here knows about rtc-sim.
import { Kysely, PostgresDialect, type Generated } from 'kysely';
import pg from 'pg';

/** The one table: every key a document ever had, `version` being its hint ("v1", "v2", …). */
export interface Database {
  document_keys: {
    document_id: string;
    version: number;
    key: string;
    created_at: Generated<Date>;
  };
}

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
export const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

/** The migration (in production, the deploy job's): `unique` is what the good app relies on. */
export async function migrate(unique: boolean): Promise<void> {
  await db.schema
    .createTable('document_keys')
    .ifNotExists()
    .addColumn('document_id', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(db.fn('now')))
    .$call((table) => (unique ? table.addPrimaryKeyConstraint('document_keys_pkey', ['document_id', 'version']) : table))
    .execute();
}
