import vm from 'node:vm';

/** Objects made inside the sandbox, so that they belong to its realm and its microtask queue. */
export interface SandboxHelpers {
  /** A promise and its settling functions; a rejection nobody awaits is not a process-level unhandled one. */
  deferred(): unknown;
  wrap(callback: (argument: unknown) => void): (argument: unknown) => void;
  bytes(length: number): Uint8Array;
  /** An Error of the sandbox's realm, so that `error instanceof Error` holds in the module. */
  error(message: string): Error;
  /** A promise of the sandbox's realm rejected with `reason`. */
  rejected(reason: unknown): Promise<never>;
  /** Runs `task` as a microtask of the sandbox (Node's random callbacks, answered without real I/O). */
  later(task: () => void): void;
  /**
   * A `Date` whose clock is `time(api)`: `new Date()`, `Date()` and `Date.now()` ask it, naming the call;
   * every other form (`new Date(x)`, `Date.parse`, `Date.UTC`) is the real, pure one.
   */
  dateWith(time: (api: string) => number): DateConstructor;
  /** A `Math` whose `random()` is `random`; every other member is the real one. */
  mathWith(random: () => number): Math;
  /** The sandbox's own `Date` and `Math`, captured before anything replaced them. */
  readonly intrinsicDate: DateConstructor;
  readonly intrinsicMath: Math;
}

// A function rather than a class, so that `Date()` called without `new` returns a string as the real one does.
// Intrinsics are captured first: the context's global Date is replaced later by a reporting one.
const helpersSource = `(() => {
  const IntrinsicDate = Date;
  const IntrinsicMath = Math;
  return {
    intrinsicDate: IntrinsicDate,
    intrinsicMath: IntrinsicMath,
    deferred() {
      let resolve, reject;
      const promise = new Promise((onResolve, onReject) => { resolve = onResolve; reject = onReject; });
      promise.catch(() => undefined);
      return { promise, resolve, reject };
    },
    wrap(callback) { return (argument) => callback(argument); },
    bytes(length) { return new Uint8Array(length); },
    error(message) { return new Error(message); },
    rejected(reason) { return Promise.reject(reason); },
    later(task) { Promise.resolve().then(() => task()); },
    dateWith(time) {
      function Date(...parts) {
        if (new.target === undefined) return new IntrinsicDate(time('Date()')).toString();
        return Reflect.construct(IntrinsicDate, parts.length === 0 ? [time('new Date()')] : parts, new.target);
      }
      Date.prototype = Object.create(IntrinsicDate.prototype, {
        constructor: { value: Date, writable: true, configurable: true },
      });
      const method = { writable: true, configurable: true };
      Object.defineProperties(Date, {
        now: { ...method, value: function now() { return time('Date.now()'); } },
        parse: { ...method, value: IntrinsicDate.parse },
        UTC: { ...method, value: IntrinsicDate.UTC },
      });
      return Date;
    },
    mathWith(random) {
      const draw = random;
      const math = Object.create(IntrinsicMath);
      Object.defineProperty(math, 'random', { value: { random() { return draw(); } }.random, writable: true, configurable: true });
      return math;
    },
  };
})()`;

/** Builds the helpers inside a fresh sandbox context. */
export function createSandboxHelpers(context: vm.Context): SandboxHelpers {
  return vm.runInContext(helpersSource, context, { filename: 'rtc-sim-sandbox-helpers' }) as SandboxHelpers;
}

/** Which machine a sandbox plays: a browser (a provider) or a server (the integrator's backend). */
export type SandboxMachine = 'browser' | 'server';
