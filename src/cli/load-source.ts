import { resolve } from 'node:path';
import type { Result } from '../errors.ts';
import { loadProviderSource } from '../load-provider-source.ts';
import type { ProviderSource } from '../providers/source.ts';

/**
 * Loads a provider module for the CLI, relative to the working directory: a missing file or a wrong export
 * is an input error. With a token provider module (`--token-provider`), the source carries it.
 */
export function loadSource(modulePath: string, cwd: string, tokenProviderPath?: string): Promise<Result<ProviderSource>> {
  return loadProviderSource(resolve(cwd, modulePath), tokenProviderPath === undefined ? undefined : resolve(cwd, tokenProviderPath));
}
