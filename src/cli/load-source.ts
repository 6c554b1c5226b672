import { resolve } from 'node:path';
import { ok, type Result } from '../errors.ts';
import { loadProviderModule } from '../providers/loader.ts';
import { sourceFromModule, validateModuleExports, type ProviderSource } from '../providers/source.ts';

/** Loads and validates a provider module for the CLI: a missing file or a wrong export is an input error. */
export async function loadSource(modulePath: string, cwd: string): Promise<Result<ProviderSource>> {
  const compiled = await loadProviderModule(resolve(cwd, modulePath));
  if (!compiled.ok) return compiled;
  const validated = validateModuleExports(compiled.value, {
    clock: () => 0,
    elapsed: () => 0,
    random: () => 0.5,
    log: () => undefined,
  });
  if (!validated.ok) return validated;
  return ok(sourceFromModule(validated.value));
}
