import { hostParams } from '../handles.ts';
import { simulatedPg, type PgBackend, type PgLease } from './pg-module.ts';
import type { SimulatedDatabase } from '../database.ts';
import { SessionDatabase, type RunTransaction } from './sessions.ts';

/** The routed `pg` of a run: every statement an event on the run's sessions, attributed to `caller()`. */
export function sessionPgBackend(database: SessionDatabase, caller: () => string): PgBackend {
  return {
    query: (statement, lease) =>
      database.submit(caller(), statement.text, hostParams(statement.values), { script: statement.values === undefined, rowMode: statement.rowMode, format: 'pg', types: statement.types }, lease as RunTransaction | undefined),
    lease: (scope): PgLease => database.checkOut(caller(), scope),
    release: (lease) => database.checkIn(lease as RunTransaction),
  };
}

/** The packages a backend instance gets from its machine: `pg`, on `backend`. */
export function pgModules(backend: PgBackend): ReadonlyMap<string, () => unknown> {
  return new Map([['pg', () => simulatedPg(() => backend)]]);
}

/** What a backend instance on `database` gets as packages of its machine: `pg` on a real server's sessions; nothing on PGlite. */
export function databaseModules(database: SimulatedDatabase | SessionDatabase, caller: () => string): ReadonlyMap<string, () => unknown> | undefined {
  return database instanceof SessionDatabase ? pgModules(sessionPgBackend(database, caller)) : undefined;
}
