import { resolve } from 'node:path';
import type { Result } from '../errors.ts';
import { loadProviderSource } from '../load-provider-source.ts';
import type { ProviderSource } from '../providers/source.ts';
import type { CompanionModules } from './options.ts';

/**
 * Loads a provider module for the CLI, relative to the working directory: a missing file or a wrong export
 * is an input error. With a token provider module (`--token-provider`) or a backend module (`--backend`), the
 * source carries it.
 */
export function loadSource(modulePath: string, cwd: string, modules: CompanionModules = {}): Promise<Result<ProviderSource>> {
  const absolute = (path: string | undefined): string | undefined => (path === undefined ? undefined : resolve(cwd, path));
  return loadProviderSource(resolve(cwd, modulePath), absolute(modules.tokenProvider), absolute(modules.backend));
}
