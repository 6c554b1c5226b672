import { fail, ok, type Result } from './errors.ts';
import { moduleTokenSource, withTokenSource } from './model/auth/token-source.ts';
import { loadProviderModule } from './providers/loader.ts';
import type { InstanceHooks } from './providers/sandbox.ts';
import { loadBackendModule } from './backend/load.ts';
import { checkingPage } from './model/browser/checking-page.ts';
import { sourceFromModule, validateModuleExports, withBackendSource, type ProviderSource } from './providers/source.ts';
import { signalIdle, signalLoad } from './supervisor-signal.ts';

// Hooks for the one instance made to check a module's exports: no run exists yet, so nothing is recorded; the
// page is one whose storage, channels and timers lead nowhere (a module may use them at its top level).
const checkingHooks = (): InstanceHooks => ({ clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined, ...checkingPage() });

/**
 * A provider module (absolute path) as a source, its exports checked; with a token provider module, the
 * source carries it for JWT authentication; with a backend module, the browsers' fetch reaches it. Each module is
 * built once. The CLI, the pool workers and the
 * scenarios all load their providers here.
 */
export async function loadProviderSource(modulePath: string, tokenProviderPath?: string, backendPath?: string): Promise<Result<ProviderSource>> {
  const compiled = await loadProviderModule(modulePath);
  if (!compiled.ok) return compiled;
  signalLoad(modulePath);
  const validated = validateModuleExports(compiled.value, checkingHooks());
  signalIdle();
  if (!validated.ok) return validated;
  let source = sourceFromModule(validated.value);
  if (backendPath !== undefined) {
    signalLoad(backendPath);
    const backend = await loadBackendModule(backendPath);
    signalIdle();
    if (!backend.ok) return backend;
    source = withBackendSource(source, backend.value);
  }
  if (tokenProviderPath === undefined) return ok(source);
  const tokens = await loadProviderModule(tokenProviderPath);
  if (!tokens.ok) return tokens;
  signalLoad(tokenProviderPath);
  const exported = tokens.value.instantiate(checkingHooks());
  signalIdle();
  if (typeof exported['createTokenProvider'] !== 'function' && typeof exported['default'] !== 'function') {
    const path = tokens.value.path;
    return fail({ kind: 'module-invalid', path, message: `${path} exports neither createTokenProvider(env) nor a default rtc_token_provider function` });
  }
  return ok(withTokenSource(source, moduleTokenSource(tokens.value)));
}
