import { createRequire, syncBuiltinESMExports } from 'node:module';
import { packageRoot } from '../package-root.ts';
import { advice, findingSink, type ReportFinding } from './nondeterminism.ts';
import { processControlAdvice } from './instance-require.ts';
import { refusedCallName, refusedCalls } from './refused-calls.ts';
import type { InstanceHooks } from './sandbox.ts';

/**
 * The clock and `Math.random` of providers passed in-process (the vitest helper, `sweep()` with
 * `sourceFromFactory`). Their code runs in the host realm, where `Date`, `Math.random` and `performance.now`
 * are the process's own, so the sandbox cannot give them a routed view. Instead, while provider code runs — a
 * factory or provider call, and the settle window in which its promise continuations drain — these three
 * are replaced on the host's globals by versions that answer from the simulation and report the call, as the
 * sandbox does for a module (nondeterminism.ts): the run replays, and the report names the call and client.
 * A call made in that window from anywhere but provider code (node_modules, Node itself, rtc-sim's own
 * sources) gets the real function. Outside the windows the host's globals are untouched.
 *
 * The calls that would open a real handle — `fs.watch`, child processes, worker threads (refused-calls.ts) —
 * are refused the same way: provider code calling one in a window gets a thrown Error and a finding naming
 * the call, so that no run of an in-process sweep leaves a watcher, a process or a thread behind. Named
 * imports of a built-in module are bound once (`import { watch } from 'node:fs'`), so these are not swapped
 * per window: the first window replaces them for good with versions that call the real function whenever no
 * window is open or the caller is not provider code.
 */
export class HostRouting {
  private current: InstanceHooks | undefined;
  private last: InstanceHooks = { clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined };
  private readonly sinks = new WeakMap<InstanceHooks, { readonly attributed: ReportFinding; readonly unattributed: ReportFinding }>();

  /** Runs provider code synchronously as the client of `hooks`: findings name that client. */
  runAs<T>(hooks: InstanceHooks, action: () => T): T {
    const previous = this.current;
    this.current = hooks;
    this.last = hooks;
    const installed = install(this);
    try {
      return action();
    } finally {
      this.current = previous;
      installed.remove();
    }
  }

  /** Keeps the routed globals in place until `waiting` settles: the continuations that drain meanwhile are provider code. */
  during(waiting: Promise<void>): Promise<void> {
    const installed = install(this);
    return waiting.finally(() => installed.remove());
  }

  /** The simulated clock and stream to answer from, and where the finding goes. */
  answer(api: string, detail: string): InstanceHooks {
    const hooks = this.current ?? this.last;
    if (hooks.timeAndRandom !== 'route') this.sinkFor(hooks, this.current !== undefined)(api, detail);
    return hooks;
  }

  /** Reports a refused call (refused-calls.ts), whatever `timeAndRandom` says: nothing can stand in for it. */
  refuse(api: string, detail: string): void {
    this.sinkFor(this.current ?? this.last, this.current !== undefined)(api, detail);
  }

  private sinkFor(hooks: InstanceHooks, attributed: boolean): ReportFinding {
    let sinks = this.sinks.get(hooks);
    if (sinks === undefined) {
      sinks = { attributed: findingSink(hooks, true), unattributed: findingSink(hooks, false) };
      this.sinks.set(hooks, sinks);
    }
    return attributed ? sinks.attributed : sinks.unattributed;
  }
}

const RealDate = globalThis.Date;
const realRandom = Math.random;
const realPerformanceNow = performance.now.bind(performance);
// rtc-sim's own code: its sources in a clone, its compiled build in an installed package.
const ownSources = [`${packageRoot}src/`, `${packageRoot}dist/`];

/** Whether the code that called `entry` (a routed global) is provider code rather than a library, Node or rtc-sim. */
function calledByProviderCode(entry: (...args: never[]) => unknown): boolean {
  const trace: { stack?: string } = {};
  Error.captureStackTrace(trace, entry);
  const caller = (trace.stack ?? '').split('\n').find((frame) => frame.trim().startsWith('at ')) ?? '';
  return !(caller.includes('/node_modules/') || caller.includes('(node:') || caller.includes('at node:') || ownSources.some((own) => caller.includes(own)));
}

// The routings whose windows are open, latest last: the latest answers. A synchronous call's window is always
// the latest while it runs; settle windows of two in-process sweeps interleaved (concurrent tests) overlap, and
// a continuation in that overlap is answered by the later one.
const owners: HostRouting[] = [];

function routed<T>(entry: (...args: never[]) => unknown, api: string, detail: string, answer: (hooks: InstanceHooks) => T, real: () => T): T {
  const owner = owners.at(-1);
  return owner !== undefined && calledByProviderCode(entry) ? answer(owner.answer(api, detail)) : real();
}

function routedDate(): DateConstructor {
  function Date(this: unknown, ...parts: unknown[]): unknown {
    if (new.target === undefined) return new RealDate(routed(Date, 'Date()', advice.clockRead, (hooks) => hooks.clock(), () => RealDate.now())).toString();
    if (parts.length > 0) return Reflect.construct(RealDate, parts, new.target);
    return Reflect.construct(RealDate, [routed(Date, 'new Date()', advice.clockRead, (hooks) => hooks.clock(), () => RealDate.now())], new.target);
  }
  Date.prototype = RealDate.prototype;
  const now = { now: (): number => routed(now, 'Date.now()', advice.clockRead, (hooks) => hooks.clock(), () => RealDate.now()) }.now;
  Object.defineProperties(Date, {
    now: { value: now, writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
  });
  return Date as unknown as DateConstructor;
}

const RoutedDate = routedDate();
const routedRandom = { random: (): number => routed(routedRandom, 'Math.random()', advice.unseededRandom, (hooks) => hooks.random(), realRandom) }.random;
const routedPerformanceNow = { now: (): number => routed(routedPerformanceNow, 'performance.now()', advice.clockRead, (hooks) => hooks.elapsed(), realPerformanceNow) }.now;

let hostCallsRefusing = false;

/**
 * Replaces, once and for good, each refused call of the host's built-in modules (and the named exports bound
 * to it) with one that refuses provider code in a window and calls the real function otherwise.
 */
function refuseHostCalls(): void {
  if (hostCallsRefusing) return;
  hostCallsRefusing = true;
  const hostRequire = createRequire(import.meta.url);
  for (const [moduleName, exportNames] of refusedCalls) {
    const exports = hostRequire(`node:${moduleName}`) as Record<string, unknown>;
    for (const exportName of exportNames) {
      const real = exports[exportName];
      if (typeof real === 'function') exports[exportName] = refusingHostCall(refusedCallName(moduleName, exportName), real as (...args: unknown[]) => unknown, moduleName === 'process' ? processControlAdvice : advice.localResource);
    }
  }
  syncBuiltinESMExports();
}

function refusingHostCall(api: string, real: (...args: unknown[]) => unknown, why: string): (...args: unknown[]) => unknown {
  function refusing(this: unknown, ...args: unknown[]): unknown {
    const owner = owners.at(-1);
    if (owner === undefined || !calledByProviderCode(refusing)) return new.target === undefined ? real.apply(this, args) : Reflect.construct(real, args, new.target);
    owner.refuse(api, why);
    throw new Error(`rtc-sim: ${api} is not available inside the simulation: ${why}`);
  }
  // The real function's own properties (`prototype`, util.promisify's custom version of `exec` …) stay.
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(real))) {
    if (key !== 'name' && key !== 'length') Object.defineProperty(refusing, key, descriptor);
  }
  for (const symbol of Object.getOwnPropertySymbols(real)) Object.defineProperty(refusing, symbol, Object.getOwnPropertyDescriptor(real, symbol) ?? {});
  return refusing;
}

/** Puts the routed globals in place for `routing` (nested and overlapping windows share them); `remove` undoes one. */
function install(routing: HostRouting): { remove(): void } {
  refuseHostCalls();
  if (owners.length === 0) {
    globalThis.Date = RoutedDate;
    Math.random = routedRandom;
    Object.defineProperty(performance, 'now', { value: routedPerformanceNow, writable: true, configurable: true });
  }
  owners.push(routing);
  let removed = false;
  return {
    remove() {
      if (removed) return;
      removed = true;
      owners.splice(owners.lastIndexOf(routing), 1);
      if (owners.length > 0) return;
      globalThis.Date = RealDate;
      Math.random = realRandom;
      delete (performance as { now?: unknown }).now;
    },
  };
}
