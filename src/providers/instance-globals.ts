import { instanceRequire } from './instance-require.ts';
import { instrumentedNodeCrypto, routedWebCrypto } from './node-crypto.ts';
import { advice, type ReportFinding } from './nondeterminism.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';

/** The simulated clock and randomness values are answered from. */
export interface SimulatedSources {
  clock(): number;
  elapsed(): number;
  random(): number;
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
] as const;

type InstanceGlobalName = (typeof instanceGlobalNames)[number];

/**
 * One instance's globals (see the table in nondeterminism.ts): clock, randomness and crypto routed to its
 * client, timers and network refused and reported, and a `globalThis` that is its own view of the shared
 * global object — reads of the names above answer as the plain names do, every other read and every write
 * goes to the shared object, so that instances can still share state through it on purpose.
 */
export function instanceGlobals(
  parts: GlobalsParts & { readonly sources: SimulatedSources; readonly console: object; readonly contextGlobal: object; readonly base: NodeJS.Require },
): { readonly globals: Record<InstanceGlobalName, unknown>; readonly require: NodeJS.Require } {
  const { helpers, sources } = parts;
  const later = microtaskScheduler(parts);
  const webCrypto = routedWebCrypto({ random: () => sources.random(), helpers, later });
  const performance = { now: () => sources.elapsed() };
  const overrides: Record<string, unknown> = {
    console: parts.console,
    Math: helpers.mathWith(() => sources.random()),
    Date: helpers.dateWith(() => sources.clock()),
    performance,
    crypto: webCrypto,
    ...refusals(parts),
  };
  const view: object = new Proxy(parts.contextGlobal, {
    get: (target, key) => (Object.hasOwn(overrides, key) ? overrides[key as string] : Reflect.get(target, key)),
    set: (target, key, value) => Reflect.set(target, key, value),
  });
  overrides['globalThis'] = view;
  const require = instanceRequire({
    base: parts.base,
    report: parts.report,
    helpers,
    performance,
    nodeCrypto: (real) => instrumentedNodeCrypto(real, { random: () => sources.random(), helpers, later, report: parts.report, webCrypto }),
  });
  return { globals: overrides as Record<InstanceGlobalName, unknown>, require };
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
      subtle: globalThis.crypto.subtle,
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

/** Timers and network APIs, refused and reported: nothing the simulation schedules can stand in for them. */
function refusals({ helpers, report, touch }: GlobalsParts): Record<string, unknown> {
  const timer = (name: string) =>
    ({
      [name]: (): never => {
        report(`${name}()`, advice.timer);
        throw helpers.error(`rtc-sim: ${name} is not available inside the simulation: ${advice.timer}`);
      },
    })[name];
  const constructor = (name: string) =>
    ({
      [name]: function (): never {
        report(`new ${name}()`, advice.network);
        throw helpers.error(`rtc-sim: ${name} is not available inside the simulation: ${advice.network}`);
      },
    })[name];
  const ignore = (): void => undefined;
  return {
    setTimeout: timer('setTimeout'),
    setInterval: timer('setInterval'),
    setImmediate: timer('setImmediate'),
    clearTimeout: ignore,
    clearInterval: ignore,
    clearImmediate: ignore,
    fetch: (): Promise<never> => {
      report('fetch()', advice.network);
      touch();
      return helpers.rejected(helpers.error(`rtc-sim: fetch is not available inside the simulation: ${advice.network}`));
    },
    WebSocket: constructor('WebSocket'),
    XMLHttpRequest: constructor('XMLHttpRequest'),
  };
}
