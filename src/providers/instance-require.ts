import { builtinModules, createRequire, isBuiltin } from 'node:module';
import { builtinTreatment, withOnlyMembers } from './builtin-policy.ts';
import { advice, type ReportFinding } from './nondeterminism.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';
import { refusedCallMessage } from './refused-calls.ts';
import { overlayFileSystem } from './overlay-fs.ts';
import { simulatedNetworkModule, type RoutedConnection } from './simulated-network.ts';
import { simulatedOs } from './simulated-os.ts';
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
  /** node:process: the machine's simulated process (simulated-process.ts), never the host's. */
  readonly processModule: () => object;
  /** node:console: the instance's console, whose lines are the machine's. */
  readonly consoleModule: () => object;
  /** A server's outgoing connections (simulated-network.ts's hook; absent: refused). */
  readonly routedConnection?: () => RoutedConnection | undefined;
  /** Runs `task` as a sandbox microtask, settled before the next event. */
  readonly later: (task: () => void) => void;
  /** The folder the machine's relative paths resolve against. */
  readonly directory: () => string;
  /** Packages answered by the machine (see InstanceHooks.modules). */
  readonly routedModules?: ReadonlyMap<string, () => unknown>;
}

/** Why process control is refused. */
export const processControlAdvice =
  'a simulated machine cannot end, signal or reach past its process, and ending the check would lose its verdict; rtc-sim refused the call (it threw) — a provider fails by rejecting, a backend by answering an error status';
/** Why a built-in module's member that reaches the host is refused. */
export const hostMemberAdvice = 'it reaches the host machine outside the simulated schedule; rtc-sim refused the call (it threw)';

const standInPackages = ['undici'];

/** Modules the bundler leaves out: the sandbox answers them with stand-ins, whether installed or not. */
export const standInModules: readonly string[] = standInPackages;

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
export function instanceRequire(partsGiven: RequireParts): NodeJS.Require {
  const substitutes = new Map<string, unknown>();
  let fileSystem: Record<string, unknown> | undefined;
  const parts: InstanceParts = {
    ...partsGiven,
    // One in-memory layer per instance (a start of the machine), shared by node:fs and node:fs/promises.
    fileSystem: () => (fileSystem ??= overlayFileSystem({ directory: partsGiven.directory(), refuse: (api) => refuseCall(api, partsGiven) })),
  };
  const substitute = (name: string, specifier: string): unknown => {
    const treatment = builtinTreatment(name);
    switch (treatment.kind) {
      case 'real':
        return builtin(name);
      case 'routed':
        return routedModule(name, specifier, parts, required);
      case 'network':
        if (parts.serverModules === true) return serverNetworkModule(name, parts);
        return reportedStandIn(name, specifier, advice.networkModule, parts);
      case 'members':
        return withOnlyMembers(name, builtin(name), treatment.allowed, (api) => refuseWith(api, name === 'child_process' || name === 'cluster' || name === 'worker_threads' ? advice.localResource : hostMemberAdvice, parts));
      default:
        return assertNever(treatment);
    }
  };
  const required = (specifier: string): unknown => {
    const name = typeof specifier === 'string' ? specifier.replace(/^node:/, '') : '';
    if (substitutes.has(name)) return substitutes.get(name);
    // A package the machine answers itself (a backend's `pg`, routed to the simulated database).
    const routed = typeof specifier === 'string' ? parts.routedModules?.get(specifier) : undefined;
    if (routed !== undefined) {
      const made = routed();
      substitutes.set(name, made);
      return made;
    }
    if (typeof specifier !== 'string' || !(isBuiltin(specifier) || standInPackages.includes(specifier))) return refuseUnbundled(specifier, parts);
    const made = standInPackages.includes(specifier) ? reportedStandIn(name, specifier, advice.networkModule, parts) : substitute(name, specifier);
    substitutes.set(name, made);
    return made;
  };
  // Not the host's cache nor its main module: through either, `.require()` loads anything into the host.
  return Object.assign(required, { resolve: parts.base.resolve, cache: Object.create(null) as NodeJS.Dict<NodeModule>, extensions: parts.base.extensions, main: undefined }) as NodeJS.Require;
}

interface InstanceParts extends RequireParts {
  readonly fileSystem: () => Record<string, unknown>;
}

/** The `routed` built-ins (builtin-policy.ts), made for this instance. */
function routedModule(name: string, specifier: string, parts: InstanceParts, required: (specifier: string) => unknown): unknown {
  switch (name) {
    case 'crypto':
      return parts.nodeCrypto(builtin(name));
    case 'perf_hooks':
      return { ...builtin(name), performance: parts.performance() };
    case 'process':
      return parts.processModule();
    case 'console':
      return parts.consoleModule();
    case 'module':
      return withInstanceBuiltins(builtin(name) as typeof import('node:module'), required, parts);
    case 'tty':
      // Packages ask whether stdout is a terminal (debug, supports-color): a simulated machine has none.
      return withOnlyMembers(name, { ...builtin(name), isatty: () => false }, new Set(['isatty']), (api) => refuseWith(api, hostMemberAdvice, parts));
    case 'timers':
      if (parts.timersModule !== undefined) return parts.timersModule();
      return reportedStandIn(name, specifier, advice.timerModule, parts);
    case 'timers/promises':
      return reportedStandIn(name, specifier, advice.timerModule, parts);
    case 'fs':
      return parts.fileSystem();
    case 'os':
      return simulatedOs({
        real: builtin(name) as typeof import('node:os'),
        uptimeSeconds: () => (required('process') as { uptime(): number }).uptime(),
        refuse: (api) => refuseWith(api, hostMemberAdvice, parts),
      });
    default:
      // node:fs/promises: the same overlay's.
      return parts.fileSystem()['promises'];
  }
}

/** A stand-in reported when required: using it is the only reason to require it. */
function reportedStandIn(name: string, specifier: string, why: string, parts: RequireParts): object {
  parts.report(`require("${specifier}")`, why);
  // Requiring a builtin does no I/O: only its export names are taken, to bind the module's named imports.
  const real = builtinModules.includes(name) ? builtin(name) : undefined;
  return standIn(specifier, why, parts.helpers, real);
}

/** A server's network module: its outgoing connections routed through the machine's hook, the rest refused. */
function serverNetworkModule(name: string, parts: RequireParts): object {
  return simulatedNetworkModule(name, {
    helpers: parts.helpers,
    later: parts.later,
    routedConnection: () => parts.routedConnection?.(),
    refuse: (api, why) => {
      parts.report(api, why);
      throw parts.helpers.error(`rtc-sim: ${api} is not available inside the simulated backend: ${why}`);
    },
  });
}

/** Reports `api` as a finding and throws, in the sandbox's realm, why it is refused. */
function refuseWith(api: string, why: string, parts: RequireParts): never {
  parts.report(api, why);
  throw parts.helpers.error(`rtc-sim: ${api} is not available inside the simulation: ${why}`);
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/**
 * node:module whose `createRequire(from)` answers built-ins as the instance's own `require` does: bundled ESM
 * packages make one (`createRequire(import.meta.url)`) to reach node:net or node:fs. What else it loads is
 * loaded by the real one, in the host, as before (a documented limit).
 */
function withInstanceBuiltins(real: typeof import('node:module'), required: (specifier: string) => unknown, parts: RequireParts): object {
  const createRequire = (from: string | URL): NodeJS.Require => {
    const hostRequire = real.createRequire(from);
    const routed = (specifier: string): unknown => (typeof specifier === 'string' && isBuiltin(specifier) ? required(specifier) : hostRequire(specifier));
    return Object.assign(routed, { resolve: hostRequire.resolve, cache: Object.create(null) as NodeJS.Dict<NodeModule>, extensions: hostRequire.extensions, main: undefined }) as NodeJS.Require;
  };
  // Only what loads nothing by itself: `Module._load`, `Module.prototype.require` and the rest would load
  // built-ins straight from the host, past this gate.
  const exports = { ...withOnlyMembers('module', real, new Set(['builtinModules', 'isBuiltin', 'findSourceMap', 'SourceMap']), (api) => refuseWith(api, hostMemberAdvice, parts)), createRequire };
  return Object.assign(exports, { default: exports });
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
