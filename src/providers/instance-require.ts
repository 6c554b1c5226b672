import { builtinModules, createRequire, isBuiltin } from 'node:module';
import { advice, type ReportFinding } from './nondeterminism.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';
import { refusedCallMessage, refusedCalls, withRefusedCalls } from './refused-calls.ts';
import { nativeAddonMessage } from './unbundleable.ts';

/** What one instance's `require` substitutes for the real modules. */
export interface RequireParts {
  /** The real `require`, resolving from the module's own folder. */
  readonly base: NodeJS.Require;
  readonly report: ReportFinding;
  readonly helpers: SandboxHelpers;
  /** Builds the instance's instrumented copy of node:crypto from the real one. */
  readonly nodeCrypto: (real: object) => object;
  /** The instance's routed `performance`, for node:perf_hooks. */
  readonly performance: () => object;
  /**
   * A server's require (a backend's): node:http, https, http2 and net are the real modules (Express builds its
   * request and response on their prototypes, and reads `net.isIP`) except that what opens a real socket throws.
   */
  readonly serverModules?: boolean;
  /** node:timers as the machine's virtual timers, when it has them (absent: a reported stand-in). */
  readonly timersModule?: () => object;
  /** Packages answered by the machine (see InstanceHooks.modules). */
  readonly routedModules?: ReadonlyMap<string, () => unknown>;
}

// Modules whose only purpose is what the simulation cannot allow: real network I/O, real timers.
const unsimulatedModules = new Map<string, string>([
  ...['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'dns/promises', 'undici'].map(
    (name) => [name, advice.networkModule] as const,
  ),
  ['timers', advice.timerModule],
  ['timers/promises', advice.timerModule],
]);

/** Modules the bundler leaves out: the sandbox answers them with stand-ins, whether installed or not. */
export const standInModules: readonly string[] = [...unsimulatedModules.keys()].filter((name) => !isBuiltin(name));

// Builtins are one object per process whoever requires them: loaded once here, not once per instance.
const hostRequire = createRequire(import.meta.url);
const builtins = new Map<string, object>();
function builtin(name: string): object {
  let loaded = builtins.get(name);
  if (loaded === undefined) {
    loaded = hostRequire(`node:${name}`) as object;
    builtins.set(name, loaded);
  }
  return loaded;
}

/**
 * The `require` a module instance sees: node:crypto comes back instrumented, node:perf_hooks with the routed
 * `performance`, network and timer modules as reported stand-ins, and node:fs, child_process, cluster and
 * worker_threads with the calls that would open a real handle refused when called (refused-calls.ts), and
 * node:module with a `createRequire` whose built-ins are these same ones. Other built-ins are the real module.
 * Anything else reaching it was left out of the bundle (a name computed at run time, or not found at build
 * time inside a try): it is refused rather than loaded into the host, where one copy would serve every
 * browser with the real clock and randomness (see `refuseUnbundled`).
 * Substitutes are made once per instance, so `require('crypto') === require('node:crypto')` still holds.
 */
export function instanceRequire(parts: RequireParts): NodeJS.Require {
  const substitutes = new Map<string, unknown>();
  const substitute = (name: string, specifier: string): unknown => {
    const routed = parts.routedModules?.get(name);
    if (routed !== undefined) return routed();
    if (name === 'crypto') return parts.nodeCrypto(builtin(name));
    if (name === 'perf_hooks') return { ...builtin(name), performance: parts.performance() };
    if (parts.serverModules === true && serverModules.has(name)) return serverModule(name, specifier, parts.helpers);
    if (refusedCalls.has(name)) return withRefusedCalls(name, builtin(name), (api) => refuseCall(api, parts));
    if (name === 'module') return withInstanceBuiltins(builtin(name) as typeof import('node:module'), required);
    if (name === 'timers' && parts.timersModule !== undefined) return parts.timersModule();
    const why = unsimulatedModules.get(name);
    if (why === undefined) return undefined;
    parts.report(`require("${specifier}")`, why);
    // Requiring a builtin does no I/O: only its export names are taken, to bind the module's named imports.
    const real = builtinModules.includes(name) ? builtin(name) : undefined;
    return standIn(specifier, why, parts.helpers, real);
  };
  const required = (specifier: string): unknown => {
    const name = typeof specifier === 'string' ? specifier.replace(/^node:/, '') : '';
    if (substitutes.has(name)) return substitutes.get(name);
    const made = substitute(name, specifier);
    if (made === undefined) return typeof specifier === 'string' && isBuiltin(specifier) ? parts.base(specifier) : refuseUnbundled(specifier, parts);
    substitutes.set(name, made);
    return made;
  };
  return Object.assign(required, {
    resolve: parts.base.resolve,
    cache: parts.base.cache,
    extensions: parts.base.extensions,
    main: parts.base.main,
  }) as NodeJS.Require;
}

/**
 * node:module whose `createRequire(from)` answers built-ins as the instance's own `require` does: bundled ESM
 * packages make one (`createRequire(import.meta.url)`) to reach node:net or node:fs. What else it loads is
 * loaded by the real one, in the host, as before (a documented limit).
 */
function withInstanceBuiltins(real: typeof import('node:module'), required: (specifier: string) => unknown): object {
  const createRequire = (from: string | URL): NodeJS.Require => {
    const hostRequire = real.createRequire(from);
    const routed = (specifier: string): unknown => (typeof specifier === 'string' && isBuiltin(specifier) ? required(specifier) : hostRequire(specifier));
    return Object.assign(routed, { resolve: hostRequire.resolve, cache: hostRequire.cache, extensions: hostRequire.extensions, main: hostRequire.main }) as NodeJS.Require;
  };
  return new Proxy(real, { get: (target, key) => (key === 'createRequire' ? createRequire : Reflect.get(target, key)) });
}

/** Reports a refused call (refused-calls.ts) as a finding naming it, and throws, in the sandbox's realm, why. */
function refuseCall(api: string, parts: RequireParts): never {
  parts.report(api, advice.localResource);
  throw parts.helpers.error(refusedCallMessage(api));
}

/**
 * Throws, in the sandbox's realm, why `specifier` cannot be loaded. The error's code is MODULE_NOT_FOUND, so
 * that a package probing for an optional dependency (`try { require(x) } catch`) goes on without it.
 */
function refuseUnbundled(specifier: unknown, parts: RequireParts): never {
  let resolved: string | undefined;
  try {
    resolved = typeof specifier === 'string' ? parts.base.resolve(specifier) : undefined;
  } catch {
    resolved = undefined;
  }
  const why =
    resolved !== undefined && resolved.endsWith('.node')
      ? nativeAddonMessage(resolved, undefined)
      : `require(${JSON.stringify(specifier)}) was left out of the provider's bundle (its name is computed at run time, or it was not found when the provider was built); a module runs inside the simulated browser only when it is bundled — import it by its literal name`;
  throw Object.assign(parts.helpers.error(`rtc-sim: ${why}`), { code: 'MODULE_NOT_FOUND' });
}

const serverModules: ReadonlySet<string> = new Set(['http', 'https', 'http2', 'net']);
const socketOpeners: ReadonlySet<string> = new Set(['createServer', 'createSecureServer', 'request', 'get', 'connect', 'createConnection', 'globalAgent']);

/** A server module as it is, but for what opens a real socket or listens: a backend is reached only by the simulated network. */
function serverModule(name: string, specifier: string, helpers: SandboxHelpers): object {
  const real = builtin(name) as Record<string, unknown>;
  const refuse = (member: string) =>
    function unavailable(): never {
      throw helpers.error(`rtc-sim: ${specifier}.${member} is not available inside the simulated backend: createBackend(env) returns the handler or app, rtc-sim serves it (do not listen), and outgoing requests are not simulated`);
    };
  return Object.fromEntries(Object.keys(real).map((key) => [key, socketOpeners.has(key) ? refuse(key) : real[key]]));
}

/**
 * A module with the real one's export names whose every function throws, so that named imports bind and the
 * error, when the module is used, says why. Not a builtin (undici): a Proxy answering any name.
 */
function standIn(specifier: string, why: string, helpers: SandboxHelpers, real: object | undefined): object {
  const refuse = (name: string) =>
    function unavailable(): never {
      throw helpers.error(`rtc-sim: ${specifier}${name === '' ? '' : `.${name}`} is not available inside the simulation: ${why}`);
    };
  if (real === undefined) {
    return new Proxy({}, { get: (_target, key) => (typeof key === 'string' && key !== '__esModule' && key !== 'then' ? refuse(key) : undefined) });
  }
  return Object.fromEntries(Object.keys(real).map((key) => [key, refuse(key)]));
}
