import type { SimulatedDatabase } from './database.ts';
import { handleFor, type DatabaseHandle } from './handles.ts';
import { sessionHandle } from './postgres/handle.ts';
import { SessionDatabase } from './postgres/sessions.ts';

/**
 * The `env.db` of a run's database, whichever engine it is on: PGlite's one session (`SimulatedDatabase`), or a
 * real server's pool (`SessionDatabase`). Statements are attributed to `caller()` as they are issued.
 */
export function runHandle(database: SimulatedDatabase | SessionDatabase, caller: () => string): DatabaseHandle {
  return database instanceof SessionDatabase ? sessionHandle(database, caller) : handleFor(database, caller);
}
