// knex on rtc-sim's database: knex-pglite's client takes env.db where it takes a PGlite instance (pool of
// one connection; knex's pool timers run on the backend machine's virtual time). In production:
// knex({ client: 'pg', connection: process.env.DATABASE_URL }); the queries are the same.
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { DatabaseHandle } from '../../src/index.ts';

/** A knex instance over `db` (env.db). `destroy()` it when done with it in `setup`; env.db outlives it. */
export function knexOn(db: DatabaseHandle): Knex {
  // knex's own config types do not list knex-pglite's `pglite` field; a variable (not a fresh literal) passes.
  const connection = { pglite: db, database: 'rtc-sim' };
  return knex({ client: ClientPgLite, connection });
}
