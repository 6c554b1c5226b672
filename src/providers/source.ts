import { describeThrown, fail, ok, type Result } from '../errors.ts';
import type { TokenSource } from '../model/auth/token-source.ts';
import type { BackendSource } from '../backend/load.ts';
import type { SwarmSettings } from '../config/run-config.ts';
import { HostRouting } from './host-routing.ts';
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
  /** Names a module file's code has added to the global object all its instances share, across runs. */
  sharedGlobals?(): readonly string[];
  /** Makes the provider of one simulated browser: a fresh module instance for a module file. */
  create(env: ProviderEnv, hooks: InstanceHooks): CreatedProvider;
  /** The user's token provider module, a browser's second module (`--token-provider`); absent: the built-in signer. */
  readonly tokens?: TokenSource;
  /** The integrator's backend module (`--backend`): the browsers' fetch reaches it; absent: fetch is refused. */
  readonly backend?: BackendSource;
  /**
   * Called before and after every run of this source (sweeps, shrinking, self-checks, replays): where state a
   * user wired in-process — an in-memory store their factory closes over — is reset, so that no run sees
   * another's rows. A hook that throws or rejects ends the sweep with its error.
   */
  readonly hooks?: RunHooks;
}

/** Per-run set-up and tear-down of what a user wires in-process (see `ProviderSource.hooks`). */
export interface RunHooks {
  readonly beforeRun?: (run: { readonly seed: number }) => void | PromiseLike<void>;
  readonly afterRun?: (run: { readonly seed: number }) => void | PromiseLike<void>;
}

/** The source with per-run hooks. */
export function withRunHooks(source: ProviderSource, hooks: RunHooks): ProviderSource {
  return { ...source, hooks };
}

/** The swarm settings for this source: one with a backend draws a stack's world (its faults, its defaults). */
export function settingsFor(pins: SwarmSettings, source: ProviderSource): SwarmSettings {
  if (source.backend === undefined) return pins;
  // A pin (`--database`, a config file, a replayed run's config) wins over what the backend's load decided.
  const database = pins.database ?? source.backend.database ?? 'pglite';
  const fallback = pins.database === undefined ? source.backend.databaseFallback : undefined;
  return { ...pins, withBackend: true, backendDatabase: database, ...(fallback === undefined ? {} : { backendDatabaseFallback: fallback }) };
}

/** The source with the integrator's backend module: the browsers' fetch reaches it. */
export function withBackendSource(source: ProviderSource, backend: BackendSource): ProviderSource {
  return { ...source, backend };
}

/** A source that instantiates a compiled module afresh for every simulated client. */
export function sourceFromModule(compiled: CompiledModule): ProviderSource {
  return {
    label: compiled.path,
    realm: compiled.realm,
    sharedGlobals: () => compiled.sharedGlobals(),
    create(env, hooks) {
      let exports: unknown;
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
  // Host-realm code reads the host's clock and Math.random: routed and reported while it runs (host-routing.ts).
  const routing = new HostRouting();
  const settle = realm.settle.bind(realm);
  return {
    label,
    realm: Object.assign(realm, {
      bytes: (length: number) => new Uint8Array(length),
      settle: () => {
        const waiting = settle();
        return waiting === undefined ? undefined : routing.during(waiting);
      },
    }),
    create(env, hooks) {
      const created = routing.runAs(hooks, () => callFactory(createProvider, env));
      if (!created.ok) return created;
      const provider = created.provider;
      return { ok: true, provider: (request) => routing.runAs(hooks, () => provider(request)) };
    },
  };
}

/**
 * Checks once, at load time, that a compiled module has one of the two accepted exports, so that a module
 * with neither is an input error (exit 2) rather than a failure found in every run.
 */
export function validateModuleExports(compiled: CompiledModule, hooks: InstanceHooks): Result<CompiledModule> {
  let exports: unknown;
  try {
    exports = compiled.instantiate(hooks);
  } catch (error) {
    return fail({ kind: 'module-invalid', path: compiled.path, message: `evaluating ${compiled.path} threw ${describeThrown(error)}` });
  }
  const exported = exportedProvider(exports);
  if (exported.ok) return ok(compiled);
  return fail({ kind: 'module-invalid', path: compiled.path, message: `${compiled.path} ${exported.problem}` });
}

type Exported =
  | { readonly ok: true; readonly factory: CreateProvider }
  | { readonly ok: true; readonly provider: EncryptionProvider }
  | { readonly ok: false; readonly problem: string };

// Read defensively: a module may set module.exports to null, a number, or a Proxy whose every trap throws.
function exportedProvider(exports: unknown): Exported {
  try {
    const record = (typeof exports === 'object' || typeof exports === 'function') && exports !== null ? (exports as Record<string, unknown>) : {};
    const factory = record['createProvider'];
    if (typeof factory === 'function') return { ok: true, factory: factory as CreateProvider };
    const provider = record['default'];
    if (typeof provider === 'function') return { ok: true, provider: provider as EncryptionProvider };
    const found = Object.keys(record).filter((name) => name !== '__esModule');
    return {
      ok: false,
      problem:
        'exports neither createProvider(env) nor a default rtc_encryption_provider function' +
        (found.length > 0 ? ` (it exports: ${found.join(', ')})` : ' (it exports nothing)'),
    };
  } catch (error) {
    return { ok: false, problem: `exports neither createProvider(env) nor a default function: reading its exports threw ${describeThrown(error)}` };
  }
}

function providerFromExports(exports: unknown, env: ProviderEnv): CreatedProvider {
  const exported = exportedProvider(exports);
  if (!exported.ok) return { ok: false, problem: `the module ${exported.problem}` };
  if ('factory' in exported) return callFactory(exported.factory, env);
  return { ok: true, provider: exported.provider };
}

function callFactory(createProvider: CreateProvider, env: ProviderEnv): CreatedProvider {
  let provider: unknown;
  try {
    provider = createProvider(env);
  } catch (error) {
    return { ok: false, problem: `createProvider(env) threw ${describeThrown(error)}` };
  }
  if (typeof provider !== 'function') {
    return { ok: false, problem: `createProvider(env) must return the provider function, got ${describeFactoryResult(provider)}` };
  }
  return { ok: true, provider: provider as EncryptionProvider };
}

function describeFactoryResult(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  try {
    return typeof (value as { then?: unknown }).then === 'function' ? 'a promise (async factories are not supported)' : 'object';
  } catch {
    return 'an object whose `then` cannot be read';
  }
}
