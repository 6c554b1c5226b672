import { resolve } from 'node:path';
import { setUserEnvironment } from '../backend/machine-hooks.ts';
import { fail, type Result } from '../errors.ts';
import { loadProviderSource } from '../load-provider-source.ts';
import { parseEnvironmentFlags, readEnvironmentFile, type Environment } from '../providers/machine-environment.ts';
import type { ProviderSource } from '../providers/source.ts';
import type { CompanionModules } from './options.ts';

/**
 * Loads a provider module for the CLI, relative to the working directory: a missing file or a wrong export
 * is an input error. With a token provider module (`--token-provider`) or a backend module (`--backend`), the
 * source carries it.
 */
export async function loadSource(modulePath: string, cwd: string, modules: CompanionModules = {}): Promise<Result<ProviderSource>> {
  const absolute = (path: string | undefined): string | undefined => (path === undefined ? undefined : resolve(cwd, path));
  const environment = userEnvironment(modules, cwd);
  if (!environment.ok) return fail({ kind: 'usage', message: environment.message });
  setUserEnvironment(environment.value);
  return loadProviderSource(resolve(cwd, modulePath), absolute(modules.tokenProvider), absolute(modules.backend));
}

/** The backend machine's user variables: `--env-file`'s, then each `--env KEY=VALUE` over them. */
export function userEnvironment(modules: CompanionModules, cwd: string): { ok: true; value: Environment } | { ok: false; message: string } {
  const fromFile = modules.envFile === undefined ? { ok: true as const, value: {} } : readEnvironmentFile(resolve(cwd, modules.envFile));
  if (!fromFile.ok) return fromFile;
  const fromFlags = parseEnvironmentFlags(modules.env ?? []);
  if (!fromFlags.ok) return fromFlags;
  return { ok: true, value: { ...fromFile.value, ...fromFlags.value } };
}
