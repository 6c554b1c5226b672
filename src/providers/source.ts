import { describeThrown, fail, ok, type Result } from '../errors.ts';
import { createHostRealm, type Realm } from './realm.ts';
import type { CompiledModule, InstanceHooks } from './sandbox.ts';
import type { CreateProvider, EncryptionProvider, ProviderEnv } from './types.ts';

/** A fresh provider for one simulated browser, or why none could be made. */
export type CreatedProvider =
  | { readonly ok: true; readonly provider: EncryptionProvider }
  | { readonly ok: false; readonly problem: string };

/** Where providers come from: a user's module file, or a factory function passed in-process. */
export interface ProviderSource {
  /** What to call it in reports: the module path or a given name. */
  readonly label: string;
  readonly realm: Realm & { bytes(length: number): Uint8Array };
  /** Makes the provider of one simulated browser: a fresh module instance for a module file. */
  create(env: ProviderEnv, hooks: InstanceHooks): CreatedProvider;
}

/** A source that instantiates a compiled module afresh for every simulated client. */
export function sourceFromModule(compiled: CompiledModule): ProviderSource {
  return {
    label: compiled.path,
    realm: compiled.realm,
    create(env, hooks) {
      let exports: Record<string, unknown>;
      try {
        exports = compiled.instantiate(hooks);
      } catch (error) {
        return { ok: false, problem: `evaluating the module threw ${describeThrown(error)}` };
      }
      const created = compiled.runAs(hooks, () => providerFromExports(exports, env));
      if (!created.ok) return created;
      // Every call runs as this client, so that a finding its synchronous part makes names the client.
      const provider = created.provider;
      return { ok: true, provider: (request) => compiled.runAs(hooks, () => provider(request)) };
    },
  };
}

/** A source calling an in-process `createProvider(env)` for every simulated client (host realm). */
export function sourceFromFactory(createProvider: CreateProvider, label = 'createProvider'): ProviderSource {
  const realm = createHostRealm();
  return {
    label,
    realm: Object.assign(realm, { bytes: (length: number) => new Uint8Array(length) }),
    create(env) {
      return callFactory(createProvider, env);
    },
  };
}

/**
 * Checks once, at load time, that a compiled module has one of the two accepted exports, so that a module
 * with neither is an input error (exit 2) rather than a failure found in every run.
 */
export function validateModuleExports(compiled: CompiledModule, hooks: InstanceHooks): Result<CompiledModule> {
  let exports: Record<string, unknown>;
  try {
    exports = compiled.instantiate(hooks);
  } catch (error) {
    return fail({ kind: 'module-invalid', path: compiled.path, message: `evaluating ${compiled.path} threw ${describeThrown(error)}` });
  }
  if (typeof exports['createProvider'] === 'function' || typeof exports['default'] === 'function') return ok(compiled);
  const found = Object.keys(exports).filter((name) => name !== '__esModule');
  return fail({
    kind: 'module-invalid',
    path: compiled.path,
    message:
      `${compiled.path} exports neither createProvider(env) nor a default rtc_encryption_provider function` +
      (found.length > 0 ? ` (it exports: ${found.join(', ')})` : ' (it exports nothing)'),
  });
}

function providerFromExports(exports: Record<string, unknown>, env: ProviderEnv): CreatedProvider {
  const factory = exports['createProvider'];
  if (typeof factory === 'function') return callFactory(factory as CreateProvider, env);
  const provider = exports['default'];
  if (typeof provider === 'function') return { ok: true, provider: provider as EncryptionProvider };
  return { ok: false, problem: 'the module exports neither createProvider(env) nor a default function' };
}

function callFactory(createProvider: CreateProvider, env: ProviderEnv): CreatedProvider {
  let provider: unknown;
  try {
    provider = createProvider(env);
  } catch (error) {
    return { ok: false, problem: `createProvider(env) threw ${describeThrown(error)}` };
  }
  if (typeof provider !== 'function') {
    const got = provider === null ? 'null' : typeof provider;
    const thenable = got === 'object' && typeof (provider as { then?: unknown }).then === 'function';
    return {
      ok: false,
      problem: `createProvider(env) must return the provider function, got ${thenable ? 'a promise (async factories are not supported)' : got}`,
    };
  }
  return { ok: true, provider: provider as EncryptionProvider };
}
