// The app's database module, as production writes it: knex's own `pg` client on DATABASE_URL.
import knex from 'knex';

export const db = knex({ client: 'pg', connection: process.env.DATABASE_URL ?? '', pool: { min: 0, max: 10 } });
