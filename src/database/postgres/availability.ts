import { describeThrown } from '../../errors.ts';
import { sharedPostgresEngine } from './engine.ts';

/** Whether this process can run a real PostgreSQL server, and if not, why (said in the assumptions line). */
export type PostgresAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

let decided: Promise<PostgresAvailability> | undefined;

/**
 * Starts the process's server (once) to learn whether it can run: no binary for the platform, a root machine
 * without a `postgres` user, a server that exits at start — each is a reason to fall back to PGlite, decided
 * once per process so that every run of it has the same database.
 */
export function postgresAvailability(): Promise<PostgresAvailability> {
  decided ??= sharedPostgresEngine().then(
    (): PostgresAvailability => ({ ok: true }),
    (error: unknown): PostgresAvailability => ({ ok: false, reason: error instanceof Error ? error.message : describeThrown(error) }),
  );
  return decided;
}
