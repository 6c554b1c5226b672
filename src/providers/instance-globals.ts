import { isSecureOrigin } from '../config/origin.ts';
import { instanceRequire } from './instance-require.ts';
import { instrumentedNodeCrypto, routedNodeCryptoNames, routedWebCrypto } from './node-crypto.ts';
import type { HostWorkTracker } from './simulated-subtle.ts';
import type { SimulatedFetch, VirtualTimers } from './machine-services.ts';
import type { PageStorage, PageTimers } from '../model/browser/page-services.ts';
import { virtualTimerGlobals } from './virtual-timers.ts';
import { routedAbortSignal } from '../model/browser/abort-signal.ts';
import { advice, type ReportFinding, type TimeAndRandom } from './nondeterminism.ts';
import type { SandboxHelpers, SandboxMachine } from './sandbox-helpers.ts';
import type { Environment } from './machine-environment.ts';
import type { RoutedConnection } from './simulated-network.ts';
import { instanceProcess, machineDirectory } from './process-of-instance.ts';

/** The simulated clock and randomness values are answered from. */
export interface SimulatedSources {
  clock(): number;
  elapsed(): number;
  random(): number;
  /** `route`: clock reads and `Math.random()` are answered silently; absent or `report`: also reported. */
  readonly timeAndRandom?: TimeAndRandom;
  /** The origin of the browser's page: outside a secure context, `crypto.subtle` is undefined. */
  readonly origin?: string | undefined;
  /** Where `crypto.subtle`'s real work is handed, so that its answers arrive inside the simulation. */
  readonly hostWork?: HostWorkTracker | undefined;
  /** The page's fetch to the simulated backend (absent: refused). */
  readonly fetch?: SimulatedFetch | undefined;
  /** Virtual-time timers (absent: refused). */
  readonly timers?: VirtualTimers | undefined;
  /** The machine's `process.env` (machine-environment.ts; absent: empty, never the host's). */
  readonly environment?: Environment | undefined;
  /** Where a server's outgoing connections go (simulated-network.ts; absent: refused). */
  readonly connections?: RoutedConnection | undefined;
  /** The page's Web Storage (absent: a server, or a page without one — `localStorage` is then undefined). */
  readonly storage?: PageStorage | undefined;
  /** Packages the machine answers itself (a backend's `pg`). */
  readonly modules?: ReadonlyMap<string, () => unknown> | undefined;
}

/** What the globals of one instance (or of the shared context) are built from. */
export interface GlobalsParts {
  readonly helpers: SandboxHelpers;
  readonly report: ReportFinding;
  /** Marks the realm as having reactions to settle (a microtask was queued from outside user code). */
  readonly touch: () => void;
}

/** The names a module instance sees in place of the sandbox's own globals, after the CommonJS wrapper's. */
export const instanceGlobalNames = [
  'console',
  'Math',
  'Date',
  'performance',
  'crypto',
  'globalThis',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'fetch',
  'WebSocket',
  'XMLHttpRequest',
  // The page's timers and storage (src/model/browser/): per instance, since each browser has its own clock and profile.
  'AbortSignal',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'IDBKeyRange',
  'IDBFactory',
  'IDBRequest',
  'IDBOpenDBRequest',
  'IDBDatabase',
  'IDBTransaction',
  'IDBObjectStore',
  'IDBIndex',
  'IDBCursor',
  'IDBCursorWithValue',
  'IDBVersionChangeEvent',
  'BroadcastChannel',
  'navigator',
  'addEventListener',
  'removeEventListener',
  // A page's global object by its other names: its own view, so that window.localStorage is this tab's.
  'window',
  'self',
] as const;

type InstanceGlobalName = (typeof instanceGlobalNames)[number];

/** What one instance's globals are made from. */
export interface InstanceGlobalsParts extends GlobalsParts {
  readonly sources: SimulatedSources;
  readonly console: () => object;
  readonly contextGlobal: object;
  readonly base: NodeJS.Require;
  /** node:crypto's routed members the module's code names (`UsedNames.nodeCrypto`). */
  readonly usedNodeCrypto: ReadonlySet<string>;
  /** A server (a backend) also gets `setImmediate` as a sandbox microtask and the server modules (absent: a browser). */
  readonly machine?: SandboxMachine;
}

/**
 * One instance's globals (see the table in nondeterminism.ts): clock, randomness and crypto routed to its
 * client, timers and network refused and reported, and a `globalThis` that is its own view of the shared
 * global object — reads of the names above answer as the plain names do, every other read and every write
 * goes to the shared object, so that instances can still share state through it on purpose.
 *
 * Each is made on first use: a sweep instantiates the module for every client of every run, and most
 * modules name few of these globals (see `namesUsedBy`).
 */
export class InstanceGlobals {
  private readonly made = new Map<InstanceGlobalName, unknown>();
  private madeRequire: NodeJS.Require | undefined;

  constructor(private readonly parts: InstanceGlobalsParts) {}

  get(name: InstanceGlobalName): unknown {
    if (this.made.has(name)) return this.made.get(name);
    const value = this.make(name);
    this.made.set(name, value);
    return value;
  }

  /** The instance's `require`: node:crypto and node:perf_hooks routed, network and timer modules refused. */
  get require(): NodeJS.Require {
    const parts = this.parts;
    return (this.madeRequire ??= instanceRequire({
      base: parts.base,
      report: parts.report,
      helpers: parts.helpers,
      performance: () => this.get('performance') as object,
      serverModules: parts.machine === 'server',
      processModule: () => instanceProcess(parts),
      consoleModule: () => this.get('console') as object,
      routedConnection: () => parts.sources.connections,
      later: microtaskScheduler(parts),
      directory: () => machineDirectory(parts.contextGlobal),
      ...(parts.sources.modules === undefined ? {} : { routedModules: parts.sources.modules }),
      ...(parts.sources.timers === undefined ? {} : { timersModule: () => Object.fromEntries((['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'] as const).map((name) => [name, this.get(name)])) }),
      nodeCrypto: (real) =>
        instrumentedNodeCrypto(real, {
          random: () => parts.sources.random(),
          helpers: parts.helpers,
          later: microtaskScheduler(parts),
          report: parts.report,
          webCrypto: () => this.get('crypto') as object,
          names: (name) => parts.usedNodeCrypto.has(name),
        }),
    }));
  }

  private make(name: InstanceGlobalName): unknown {
    const { helpers, sources, report } = this.parts;
    // The call is answered from the simulation either way; reporting it is the default (see TimeAndRandom).
    const noted: ReportFinding = sources.timeAndRandom === 'route' ? () => undefined : report;
    switch (name) {
      case 'console':
        return this.parts.console();
      case 'Math':
        return helpers.mathWith(() => (noted('Math.random()', advice.unseededRandom), sources.random()));
      case 'Date':
        return helpers.dateWith((api) => (noted(api, advice.clockRead), sources.clock()));
      case 'performance':
        return { now: () => (noted('performance.now()', advice.clockRead), sources.elapsed()) };
      case 'crypto':
        return routedWebCrypto({ random: () => sources.random(), helpers, later: microtaskScheduler(this.parts), secureContext: isSecureOrigin(sources.origin), hostWork: sources.hostWork });
      case 'globalThis':
        return new Proxy(this.parts.contextGlobal, {
          get: (target, key) => (isInstanceGlobalName(key) ? this.get(key) : Reflect.get(target, key)),
          set: (target, key, value) => Reflect.set(target, key, value),
        });
      case 'setImmediate':
        // A server's packages defer work with it (on-finished, finalhandler): a microtask keeps it in the schedule.
        if (this.parts.machine === 'server') return (task: (...args: unknown[]) => void, ...args: unknown[]) => microtaskScheduler(this.parts)(() => task(...args));
        return refusal(name, this.parts);
      case 'clearImmediate':
        return refusal(name, this.parts);
      case 'setTimeout':
      case 'setInterval':
      case 'clearTimeout':
      case 'clearInterval':
        return sources.timers === undefined ? refusal(name, this.parts) : virtualTimerGlobals(sources.timers, helpers, this.parts.machine === 'server' ? 'node' : 'browser')[name];
      case 'localStorage':
        return sources.storage?.local();
      case 'sessionStorage':
        return sources.storage?.session();
      case 'indexedDB':
      case 'IDBKeyRange':
      case 'IDBFactory':
      case 'IDBRequest':
      case 'IDBOpenDBRequest':
      case 'IDBDatabase':
      case 'IDBTransaction':
      case 'IDBObjectStore':
      case 'IDBIndex':
      case 'IDBCursor':
      case 'IDBCursorWithValue':
      case 'IDBVersionChangeEvent':
        return sources.storage?.indexedDb()[name];
      case 'navigator':
        // A server has none on Node 20: `typeof navigator === 'undefined'` is how packages tell.
        return sources.storage?.navigator();
      case 'BroadcastChannel':
        return sources.storage?.broadcastChannel();
      case 'addEventListener':
      case 'removeEventListener': {
        const window = sources.storage?.window();
        return window === undefined ? undefined : window[name].bind(window);
      }
      case 'window':
      case 'self':
        // A server has no window: `typeof window === 'undefined'` is how packages tell.
        return this.parts.machine === 'server' ? undefined : this.get('globalThis');
      case 'AbortSignal': {
        // AbortSignal.timeout is a timer on the machine's virtual clock; without timers, the host's class as it is.
        const timers = sources.timers;
        if (timers === undefined) return Reflect.get(this.parts.contextGlobal, name);
        return routedAbortSignal((abort, delayMs) => ('setFrom' in timers ? (timers as PageTimers).setFrom('AbortSignal.timeout', abort, delayMs, false) : timers.set(abort, delayMs, false)));
      }
      case 'fetch': {
        const simulated = sources.fetch;
        return simulated === undefined ? refusal(name, this.parts) : (input: unknown, init?: unknown) => simulated(input, init);
      }
      case 'WebSocket':
      case 'XMLHttpRequest':
        // With a backend, the advice to pass one with --backend would be wrong: only fetch reaches it.
        return sources.fetch === undefined ? refusal(name, this.parts) : refusedWithBackend(name, this.parts);
      default:
        return refusal(name, this.parts);
    }
  }
}

const instanceGlobalNameSet: ReadonlySet<unknown> = new Set(instanceGlobalNames);

function isInstanceGlobalName(key: unknown): key is InstanceGlobalName {
  return instanceGlobalNameSet.has(key);
}

/** What a module's code names, by a word scan of its bundled body (see `namesUsedBy`). */
export interface UsedNames {
  readonly globals: ReadonlySet<InstanceGlobalName>;
  readonly require: boolean;
  /** node:crypto's routed members (`routedNodeCryptoNames`) the code names: only these are made per instance. */
  readonly nodeCrypto: ReadonlySet<string>;
}

/**
 * The instance globals (whether `require`, which routed node:crypto members) a module's code can reach: those
 * it names. Code that uses `eval` or `arguments` could reach any wrapper parameter without naming it, so it
 * gets them all.
 */
export function namesUsedBy(code: string): UsedNames {
  const body = code.split('//# sourceMappingURL=')[0] ?? code;
  const names = (name: string): boolean => new RegExp(`(?<![\\w$])${name}(?![\\w$])`).test(body);
  if (names('eval') || names('arguments')) return { globals: new Set(instanceGlobalNames), require: true, nodeCrypto: new Set(routedNodeCryptoNames) };
  return { globals: new Set(instanceGlobalNames.filter(names)), require: names('require'), nodeCrypto: new Set(routedNodeCryptoNames.filter(names)) };
}

/**
 * Puts reporting versions on the sandbox's real global object, for code that reaches past an instance's
 * view (`Function('return this')()`, indirect eval, a prototype chain). They answer from the simulation so
 * that the run stays reproducible; `answerFrom` names whose clock and stream that is.
 */
export function installContextReporters(contextGlobal: Record<string, unknown>, parts: GlobalsParts & { readonly answerFrom: () => SimulatedSources }): void {
  const { helpers, report } = parts;
  const escaped = (api: string): SimulatedSources => {
    report(api, advice.escapedGlobal);
    return parts.answerFrom();
  };
  const webCrypto = routedWebCrypto({ random: () => parts.answerFrom().random(), helpers, later: microtaskScheduler(parts) }) as {
    getRandomValues: (array: ArrayBufferView) => ArrayBufferView;
    randomUUID: () => string;
  };
  const reporting: Record<string, unknown> = {
    Date: helpers.dateWith((api) => escaped(api).clock()),
    performance: { now: () => escaped('performance.now()').elapsed() },
    crypto: {
      getRandomValues: (array: ArrayBufferView) => (escaped('crypto.getRandomValues()'), webCrypto.getRandomValues(array)),
      randomUUID: () => (escaped('crypto.randomUUID()'), webCrypto.randomUUID()),
      get subtle() {
        return isSecureOrigin(parts.answerFrom().origin) ? globalThis.crypto.subtle : undefined;
      },
    },
    ...refusals(parts),
  };
  for (const [name, value] of Object.entries(reporting)) {
    Object.defineProperty(contextGlobal, name, { value, writable: true, enumerable: false, configurable: true });
  }
  // The intrinsics stay reachable through prototype chains (the routed Math inherits from the real one, a
  // routed date's prototype from the real Date.prototype): make what they lead to report too.
  const method = { writable: true, enumerable: false, configurable: true };
  Object.defineProperty(helpers.intrinsicDate, 'now', { ...method, value: { now: () => escaped('Date.now()').clock() }.now });
  Object.defineProperty(helpers.intrinsicDate.prototype, 'constructor', { ...method, value: reporting['Date'] });
  Object.defineProperty(helpers.intrinsicMath, 'random', { ...method, value: { random: () => escaped('Math.random()').random() }.random });
}

// Work queued from outside user code (a routed callback) must be settled like a user continuation.
function microtaskScheduler({ helpers, touch }: GlobalsParts): (task: () => void) => void {
  return (task) => {
    helpers.later(task);
    touch();
  };
}

type RefusedName = Exclude<InstanceGlobalName, 'console' | 'Math' | 'Date' | 'performance' | 'crypto' | 'globalThis' | 'AbortSignal' | 'localStorage' | 'sessionStorage' | PageIndexedDbName | 'BroadcastChannel' | 'navigator' | 'addEventListener' | 'removeEventListener' | 'window' | 'self'>;

type PageIndexedDbName = Extract<InstanceGlobalName, 'indexedDB' | `IDB${string}`>;

const refusedNames: readonly RefusedName[] = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'fetch', 'WebSocket', 'XMLHttpRequest'];

/** Why XMLHttpRequest and WebSocket are refused in a page whose fetch reaches the backend. */
export const backendFetchOnlyAdvice = 'only fetch reaches the simulated backend; XMLHttpRequest and WebSocket are not simulated — call your backend with fetch';

function refusedWithBackend(name: 'WebSocket' | 'XMLHttpRequest', { helpers, report }: GlobalsParts): unknown {
  return {
    [name]: function (): never {
      report(`new ${name}()`, backendFetchOnlyAdvice);
      throw helpers.error(`rtc-sim: ${name} is not available inside the simulation: ${backendFetchOnlyAdvice}`);
    },
  }[name];
}

/** Timers and network APIs, refused and reported: nothing the simulation schedules can stand in for them. */
function refusals(parts: GlobalsParts): Record<string, unknown> {
  return Object.fromEntries(refusedNames.map((name) => [name, refusal(name, parts)]));
}

function refusal(name: RefusedName, { helpers, report, touch }: GlobalsParts): unknown {
  switch (name) {
    case 'setTimeout':
    case 'setInterval':
    case 'setImmediate':
      return {
        [name]: (): never => {
          report(`${name}()`, advice.timer);
          throw helpers.error(`rtc-sim: ${name} is not available inside the simulation: ${advice.timer}`);
        },
      }[name];
    case 'clearTimeout':
    case 'clearInterval':
    case 'clearImmediate':
      return (): void => undefined;
    case 'fetch':
      return (): Promise<never> => {
        report('fetch()', advice.network);
        touch();
        return helpers.rejected(helpers.error(`rtc-sim: fetch is not available inside the simulation: ${advice.network}`));
      };
    case 'WebSocket':
    case 'XMLHttpRequest':
      return {
        [name]: function (): never {
          report(`new ${name}()`, advice.network);
          throw helpers.error(`rtc-sim: ${name} is not available inside the simulation: ${advice.network}`);
        },
      }[name];
  }
}
