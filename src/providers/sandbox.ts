import vm from 'node:vm';
import { adoptThenable, type Deferred, type Realm } from './realm.ts';

/** What a module instance needs from its simulated browser: its clock, its randomness, its console. */
export interface InstanceHooks {
  /** The client's wall clock, ms since the epoch. */
  clock(): number;
  /** Virtual ms since the run started, for `performance.now()`. */
  elapsed(): number;
  /** A seeded float in [0, 1) for `Math.random()` and `crypto.getRandomValues()`. */
  random(): number;
  /** Lines the module writes to `console`, attributed to the client. */
  log(level: string, text: string): void;
}

/** A provider module compiled once in its own sandbox, ready to be instantiated per simulated client. */
export interface CompiledModule {
  readonly path: string;
  readonly realm: Realm & { bytes(length: number): Uint8Array };
  /** Runs the module body afresh and returns its exports (throws what the body throws). */
  instantiate(hooks: InstanceHooks): Record<string, unknown>;
}

interface CompileOptions {
  readonly code: string;
  readonly path: string;
  readonly directory: string;
  readonly url: string;
  readonly requireFromModule: NodeJS.Require;
}

// Names a module instance sees in place of the sandbox's globals: the CommonJS wrapper's own, and the
// nondeterministic globals routed to the simulated browser (its clock, its seeded randomness).
const parameterNames = [
  'exports',
  'require',
  'module',
  '__filename',
  '__dirname',
  '__rtcsimImportMetaUrl',
  'console',
  'Math',
  'Date',
  'performance',
  'crypto',
];

// Built inside the sandbox so that everything they create belongs to its realm and its microtask queue.
const sandboxHelpers = `({
  deferred() {
    let resolve, reject;
    const promise = new Promise((onResolve, onReject) => { resolve = onResolve; reject = onReject; });
    return { promise, resolve, reject };
  },
  wrap(callback) { return (argument) => callback(argument); },
  bytes(length) { return new Uint8Array(length); },
  simulatedDate(clock) {
    const RealDate = Date;
    return class extends RealDate {
      constructor(...parts) { if (parts.length === 0) super(clock()); else super(...parts); }
      static now() { return clock(); }
    };
  },
  simulatedMath(random) {
    const math = Object.create(Math);
    Object.defineProperty(math, 'random', { value: () => random() });
    return math;
  },
})`;

/**
 * Compiles bundled CommonJS code in a fresh vm context whose microtask queue is drained after every
 * evaluation ("afterEvaluate"). Draining it is one synchronous call, so the kernel settles every pending
 * provider continuation between two events without waiting for the host event loop.
 */
export function compileInSandbox(options: CompileOptions): CompiledModule {
  const context = vm.createContext(
    {
      TextEncoder,
      TextDecoder,
      URL,
      URLSearchParams,
      atob,
      btoa,
      Buffer,
      structuredClone,
    },
    { name: `rtc-sim provider ${options.path}`, microtaskMode: 'afterEvaluate' },
  );
  vm.runInContext('globalThis.queueMicrotask = (task) => { Promise.resolve().then(() => task()); };', context);
  const helpers = vm.runInContext(sandboxHelpers, context) as SandboxHelpers;
  const moduleFunction = vm.compileFunction(options.code, parameterNames, {
    parsingContext: context,
    filename: options.path,
  });
  const drain = new vm.Script('undefined', { filename: 'rtc-sim-settle' });
  let dirty = false;
  const realm: CompiledModule['realm'] = {
    deferred<T>(): Deferred<T> {
      const inner = helpers.deferred() as Deferred<T>;
      return {
        promise: inner.promise,
        resolve(value) {
          dirty = true;
          inner.resolve(value);
        },
        reject(reason) {
          dirty = true;
          inner.reject(reason);
        },
      };
    },
    observe(value, onValue, onError) {
      dirty = true;
      adoptThenable(value, onValue, onError, helpers.wrap);
    },
    touch() {
      dirty = true;
    },
    settle() {
      while (dirty) {
        dirty = false;
        drain.runInContext(context);
      }
      return undefined;
    },
    bytes: helpers.bytes,
  };
  return {
    path: options.path,
    realm,
    instantiate(hooks) {
      dirty = true;
      const module = { exports: {} as Record<string, unknown> };
      moduleFunction(
        module.exports,
        options.requireFromModule,
        module,
        options.path,
        options.directory,
        options.url,
        simulatedConsole(hooks),
        helpers.simulatedMath(hooks.random),
        helpers.simulatedDate(hooks.clock),
        { now: hooks.elapsed },
        simulatedCrypto(hooks, helpers),
      );
      return module.exports;
    },
  };
}

interface SandboxHelpers {
  deferred(): unknown;
  wrap(callback: (argument: unknown) => void): (argument: unknown) => void;
  bytes(length: number): Uint8Array;
  simulatedDate(clock: () => number): DateConstructor;
  simulatedMath(random: () => number): Math;
}

function simulatedConsole(hooks: InstanceHooks): Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'> {
  const line =
    (level: string) =>
    (...parts: unknown[]): void =>
      hooks.log(level, parts.map((part) => (typeof part === 'string' ? part : safeInspect(part))).join(' '));
  return { log: line('log'), info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug') };
}

function safeInspect(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// crypto.getRandomValues and randomUUID draw from the client's seeded stream; subtle is the host's.
function simulatedCrypto(hooks: InstanceHooks, helpers: SandboxHelpers): object {
  const fill = <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null) return array;
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(hooks.random() * 256);
    return array;
  };
  return {
    getRandomValues: fill,
    randomUUID(): string {
      const bytes = fill(helpers.bytes(16));
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    subtle: globalThis.crypto.subtle,
  };
}
