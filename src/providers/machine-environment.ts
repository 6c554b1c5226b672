import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Environment variables by name. */
export type Environment = Readonly<Record<string, string>>;

/** What a simulated machine's environment is made of. */
export interface EnvironmentParts {
  /** What the user passed (`--env KEY=VALUE`, `--env-file PATH`, the vitest helper's `env`). */
  readonly user?: Environment | undefined;
  /** What the world defines for the machine (the database's URL): it wins over the user's, being the simulation's. */
  readonly world?: Environment | undefined;
}

/**
 * A simulated machine's `process.env`: the user's variables, then the world's — never the host's, so that one
 * seed gives one trace whatever the shell that ran it. A fresh object each call: a backend that writes
 * `process.env.X` changes its own process, not the next start's.
 */
export function machineEnvironment({ user, world }: EnvironmentParts): Record<string, string> {
  return { ...user, ...world };
}

/** `KEY=VALUE` flags as an environment; a flag without `=` or with an empty name is an error naming it. */
export function parseEnvironmentFlags(flags: readonly string[]): { ok: true; value: Environment } | { ok: false; message: string } {
  const environment: Record<string, string> = {};
  for (const flag of flags) {
    const equals = flag.indexOf('=');
    if (equals <= 0) return { ok: false, message: `--env ${flag}: expected KEY=VALUE` };
    environment[flag.slice(0, equals)] = flag.slice(equals + 1);
  }
  return { ok: true, value: environment };
}

/** The variables of a `.env` file (Node's own parser: quotes, comments, `export`), or why it cannot be read. */
export function readEnvironmentFile(path: string): { ok: true; value: Environment } | { ok: false; message: string } {
  try {
    return { ok: true, value: { ...parseEnv(readFileSync(path, 'utf8')) } as Environment };
  } catch (error) {
    return { ok: false, message: `--env-file ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
