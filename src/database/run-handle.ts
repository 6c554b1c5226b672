import type { SimulatedDatabase } from './database.ts';
import { handleFor, type DatabaseHandle } from './handles.ts';
import { sessionHandle, type Sender } from './postgres/handle.ts';
import { SessionDatabase } from './postgres/sessions.ts';

/**
 * The `env.db` of a run's database, whichever engine it is on: PGlite's one session (`SimulatedDatabase`), or a
 * real server's pool (`SessionDatabase`). Statements are attributed to the sender's caller and process as they are issued.
 */
export function runHandle(database: SimulatedDatabase | SessionDatabase, sender: Sender): DatabaseHandle {
  return database instanceof SessionDatabase ? sessionHandle(database, sender) : handleFor(database, sender.caller);
}
