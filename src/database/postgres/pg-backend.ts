import { hostParams } from '../handles.ts';
import { simulatedPg, type PgBackend, type PgLease } from './pg-module.ts';
import type { SimulatedDatabase } from '../database.ts';
import type { Sender } from './handle.ts';
import { SessionDatabase, type RunTransaction } from './sessions.ts';

/** The routed `pg` of a run: every statement an event on the run's sessions, attributed to the sender. */
export function sessionPgBackend(database: SessionDatabase, sender: Sender): PgBackend {
  return {
    query: (statement, lease) =>
      database.submit(sender.caller(), statement.text, hostParams(statement.values), { script: statement.values === undefined, rowMode: statement.rowMode, format: 'pg', types: statement.types }, { origin: (lease as RunTransaction | undefined)?.origin ?? sender.origin(), transaction: lease as RunTransaction | undefined }),
    lease: (scope): PgLease => database.checkOut(sender.caller(), scope, sender.origin()),
    release: (lease) => database.checkIn(lease as RunTransaction),
  };
}

/** The packages a backend instance gets from its machine: `pg`, on `backend`. */
export function pgModules(backend: PgBackend): ReadonlyMap<string, () => unknown> {
  return new Map([['pg', () => simulatedPg(() => backend)]]);
}

/** What a backend instance on `database` gets as packages of its machine: `pg` on a real server's sessions; nothing on PGlite. */
export function databaseModules(database: SimulatedDatabase | SessionDatabase, sender: Sender): ReadonlyMap<string, () => unknown> | undefined {
  return database instanceof SessionDatabase ? pgModules(sessionPgBackend(database, sender)) : undefined;
}
