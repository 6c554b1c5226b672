// Drizzle on rtc-sim's database: drizzle-orm's pg-proxy driver, whose callback runs each statement through
// env.db. (Drizzle's pglite driver wants a PGlite instance, a class env.db only resembles.) In production:
// drizzle(new Pool(...)) from drizzle-orm/node-postgres; the queries are the same.
import { drizzle } from 'drizzle-orm/pg-proxy';
import type { DatabaseHandle } from '../../src/index.ts';

/** A Drizzle database over `db` (env.db): `all` asks for rows as arrays, as Drizzle maps them by position. */
export function drizzleOn(db: DatabaseHandle) {
  return drizzle(async (sql, params, method) => {
    const result = await db.query(sql, params, { rowMode: method === 'all' ? 'array' : 'object' });
    return { rows: result.rows };
  });
}
