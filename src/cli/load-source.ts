import { resolve } from 'node:path';
import { fail, ok, type Result } from '../errors.ts';
import { moduleTokenSource, withTokenSource } from '../model/auth/token-source.ts';
import { loadProviderModule } from '../providers/loader.ts';
import { sourceFromModule, validateModuleExports, type ProviderSource } from '../providers/source.ts';

/**
 * Loads and validates a provider module for the CLI: a missing file or a wrong export is an input error.
 * With a token provider module (`--token-provider`), the source carries it for JWT authentication.
 */
export async function loadSource(modulePath: string, cwd: string, tokenProviderPath?: string): Promise<Result<ProviderSource>> {
  const compiled = await loadProviderModule(resolve(cwd, modulePath));
  if (!compiled.ok) return compiled;
  if (tokenProviderPath !== undefined) {
    const tokens = await loadProviderModule(resolve(cwd, tokenProviderPath));
    if (!tokens.ok) return tokens;
    const exported = tokens.value.instantiate({ clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined });
    if (typeof exported['createTokenProvider'] !== 'function' && typeof exported['default'] !== 'function') {
      return fail({ kind: 'module-invalid', path: tokens.value.path, message: `${tokens.value.path} exports neither createTokenProvider(env) nor a default rtc_token_provider function` });
    }
    const source = await loadSource(modulePath, cwd);
    return source.ok ? ok(withTokenSource(source.value, moduleTokenSource(tokens.value))) : source;
  }
  const validated = validateModuleExports(compiled.value, {
    clock: () => 0,
    elapsed: () => 0,
    random: () => 0.5,
    log: () => undefined,
  });
  if (!validated.ok) return validated;
  return ok(sourceFromModule(validated.value));
}
