// knex on the database rtc-sim hands the backend (env.db, a PGlite-shaped handle), through knex-pglite.
// In production this is `knex({ client: 'pg', connection: process.env.DATABASE_URL })`; the queries are the same.
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { BackendEnv } from '../../../src/index.ts';

export function connect(env: BackendEnv): Knex {
  return knex({ client: ClientPgLite, connection: () => ({ pglite: env.db }) as object });
}

/** Runs `migrate` on its own connection and closes it (closing leaves env.db open: it belongs to rtc-sim). */
export async function migrate(env: BackendEnv, migrate: (db: Knex) => Promise<void>): Promise<void> {
  const db = connect(env);
  try {
    await migrate(db);
  } finally {
    await db.destroy();
  }
}
