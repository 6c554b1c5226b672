import vm from 'node:vm';
import { describeThrown } from '../errors.ts';
import { InstanceGlobals, installContextReporters, instanceGlobalNames, namesUsedBy } from './instance-globals.ts';
import { installPageFetchClasses, installPageGlobals } from './page-globals.ts';
import { installServerGlobals } from './server-globals.ts';
import type { SandboxMachine } from './sandbox-helpers.ts';
import type { HostWorkTracker } from './simulated-subtle.ts';
import type { SimulatedFetch, VirtualTimers } from './machine-services.ts';
import type { PageStorage } from '../model/browser/page-services.ts';
import { findingSink, type NondeterminismFinding, type ReportFinding, type TimeAndRandom } from './nondeterminism.ts';
import { adoptThenable, type Deferred, type Realm } from './realm.ts';
import { createSandboxHelpers, type SandboxHelpers } from './sandbox-helpers.ts';
import { defineLiveExports, importMetaName, liveExportsName, outsideRequireName } from './esm-body.ts';

/** What a module instance needs from its simulated browser: its clock, its randomness, its console. */
export interface InstanceHooks {
  /** The client's wall clock, ms since the epoch. */
  clock(): number;
  /** Virtual ms since the run started, for `performance.now()`. */
  elapsed(): number;
  /** A seeded float in [0, 1) for `Math.random()`, `crypto.getRandomValues()` and node:crypto's random sources. */
  random(): number;
  /** Lines the module writes to `console`, attributed to the client. */
  log(level: string, text: string): void;
  /** The simulated client the instance belongs to, named in its findings. */
  readonly clientId?: string;
  /**
   * Receives a finding whenever the instance calls an API that would read real time, real randomness, real
   * timers or the network (see nondeterminism.ts), once per API. Without it, findings are logged as warnings.
   */
  report?(finding: NondeterminismFinding): void;
  /**
   * What `Date.now()`, `new Date()`, `Date()`, `performance.now()` and `Math.random()` do. Either way they answer
   * from the simulated clock and seeded stream, so the run replays; `report` (the default) also makes each a
   * finding, since the same call reads the real clock or an unseeded generator in production.
   */
  readonly timeAndRandom?: TimeAndRandom;
  /**
   * The origin of the browser's page (absent: the default, a secure one). Outside a secure context, as in a
   * browser, `isSecureContext` is false and `crypto.subtle` and `crypto.randomUUID` are undefined.
   */
  readonly origin?: string | undefined;
  /** Where `crypto.subtle`'s real work is handed, so that its answers arrive inside the simulation (absent: on the host's timing). */
  readonly hostWork?: HostWorkTracker | undefined;
  /**
   * The page's `fetch`, over the simulated network to the integrator's backend (absent: no backend is
   * configured, and `fetch` is refused and reported).
   */
  readonly fetch?: SimulatedFetch | undefined;
  /**
   * The machine's timers as virtual-time events (absent: `setTimeout` and `setInterval` are refused and
   * reported). A backend gets them: its npm packages (knex's pool) set timeouts of their own.
   */
  readonly timers?: VirtualTimers | undefined;
  /**
   * @internal The page's `localStorage` and `sessionStorage` (absent: undefined, as on a server). Internal: its
   * type is DOM's `Storage`, which a user's compiler without the DOM library cannot read.
   */
  readonly storage?: PageStorage | undefined;
  /** Packages the machine provides itself instead of the bundled ones (a backend's `pg`, routed to the simulated database). */
  readonly modules?: ReadonlyMap<string, () => unknown> | undefined;
}


/** A provider module compiled once in its own sandbox, ready to be instantiated per simulated client. */
export interface CompiledModule {
  readonly path: string;
  readonly realm: Realm & { bytes(length: number): Uint8Array };
  /**
   * Runs the module body afresh and returns its exports (throws what the body throws). A body with top-level
   * await is run to its end by draining the sandbox's microtasks; one still waiting then (on a timer, on
   * I/O) throws, naming why: use `evaluate` where the caller can wait.
   */
  instantiate(hooks: InstanceHooks): Record<string, unknown>;
  /**
   * Runs the module body afresh: its exports, and for a body with top-level await the promise of its
   * evaluation (a promise of the sandbox: observe it through `realm`), which settles as the simulation runs.
   */
  evaluate(hooks: InstanceHooks): { readonly exports: Record<string, unknown>; readonly evaluation: Promise<unknown> | undefined };
  /**
   * Runs `action` (a synchronous call into the instance of `hooks`: its factory, its provider) so that a
   * finding made through the sandbox's real global object meanwhile is attributed to that client.
   */
  runAs<T>(hooks: InstanceHooks, action: () => T): T;
  /**
   * The names module code has added to the sandbox's global object since it was made: state that every
   * instance, in every run, shares (named when two runs of one seed part).
   */
  sharedGlobals(): readonly string[];
}

interface CompileOptions {
  readonly code: string;
  readonly path: string;
  readonly directory: string;
  readonly url: string;
  readonly requireFromModule: NodeJS.Require;
  /** The kind of machine the code runs on (absent: a browser). */
  readonly machine?: SandboxMachine;
}

// The Promise.prototype of every sandbox: a promise whose chain reaches one was made by provider code.
const sandboxPromisePrototypes = new WeakMap<object, SandboxMachine>();

/**
 * Whether `value` is a promise made inside a provider sandbox (by provider code, or derived from a promise it
 * was given) rather than by rtc-sim: for a process-level `unhandledRejection` handler, which must report the
 * former as the provider's stray rejection and the latter as an rtc-sim bug.
 */
export function isSandboxPromise(value: unknown): boolean {
  return sandboxOfPromise(value) !== undefined;
}

/** The kind of machine whose sandbox made `value` (a browser's provider, a server's backend), if one did. */
export function sandboxOfPromise(value: unknown): SandboxMachine | undefined {
  try {
    let prototype: unknown = value;
    for (let depth = 0; depth < 16 && typeof prototype === 'object' && prototype !== null; depth++) {
      prototype = Object.getPrototypeOf(prototype);
      const machine = typeof prototype === 'object' && prototype !== null ? sandboxPromisePrototypes.get(prototype) : undefined;
      if (machine !== undefined) return machine;
    }
  } catch {
    // A Proxy whose getPrototypeOf throws is nobody's promise.
  }
  return undefined;
}

// The CommonJS wrapper's names, what stands for outside modules and import.meta (esm-body.ts), then the
// globals each instance sees in place of the sandbox's own.
const parameterNames = ['exports', 'require', 'module', '__filename', '__dirname', '__rtcsimImportMetaUrl', outsideRequireName, importMetaName, liveExportsName, ...instanceGlobalNames];

/**
 * The host's binary-data classes, shared with every sandbox: the bytes a sandbox gets from the host's
 * `TextEncoder`, `Buffer`, `crypto` or `Response` are the host's `Uint8Array`s, and a library that checks
 * `bytes instanceof Uint8Array` (jose signing with a byte secret, many encoders) must find them to be one, as it
 * does in a browser or in Node. With the context's own classes it found them foreign and threw.
 */
const hostBinaryData = {
  ArrayBuffer, SharedArrayBuffer, DataView, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

/**
 * Compiles a bundle's function body (esm-body.ts) in a fresh vm context whose microtask queue is drained after every
 * evaluation ("afterEvaluate"). Draining it is one synchronous call, so the kernel settles every pending
 * provider continuation between two events without waiting for the host event loop.
 */
export function compileInSandbox(options: CompileOptions): CompiledModule {
  const machine = options.machine ?? 'browser';
  const context = vm.createContext(
    { TextEncoder, TextDecoder, URL, URLSearchParams, atob, btoa, Buffer, structuredClone, ...hostBinaryData },
    { name: `rtc-sim ${machine === 'server' ? 'backend' : 'provider'} ${options.path}`, microtaskMode: 'afterEvaluate' },
  );
  vm.runInContext('globalThis.queueMicrotask = (task) => { Promise.resolve().then(() => task()); };', context);
  const helpers = createSandboxHelpers(context);
  sandboxPromisePrototypes.set(vm.runInContext('Promise.prototype', context) as object, machine);
  const contextGlobal = vm.runInContext('globalThis', context) as Record<string, unknown>;
  const moduleFunction = compileBody(options, context);
  const realm = sandboxRealm(context, helpers);
  const running = new RunningInstance();
  installContextReporters(contextGlobal, { helpers, touch: realm.touch, report: running.report, answerFrom: () => running.answering() });
  // A page's globals belong to browsers: a server package testing `typeof window` must see a server.
  if (machine === 'browser') {
    installPageGlobals(contextGlobal, () => running.answering().origin);
    installPageFetchClasses(contextGlobal, () => running.answering().origin);
  }
  if (machine === 'server') installServerGlobals(contextGlobal, { helpers, touch: realm.touch, directory: options.directory, answerFrom: () => running.answering() });
  const used = namesUsedBy(options.code);
  const ownGlobals = new Set(Object.getOwnPropertyNames(contextGlobal));
  const usesOutsideRequire = options.code.includes(outsideRequireName);
  const importMeta = { url: options.url, dirname: options.directory, filename: options.path };
  const evaluate = (hooks: InstanceHooks): { exports: Record<string, unknown>; evaluation: Promise<unknown> | undefined } => {
    realm.touch();
    const globals = new InstanceGlobals({
      helpers,
      report: findingSink(hooks, true),
      touch: realm.touch,
      sources: hooks,
      console: () => simulatedConsole(hooks),
      contextGlobal,
      base: options.requireFromModule,
      usedNodeCrypto: used.nodeCrypto,
      machine,
    });
    const module = { exports: {} as Record<string, unknown> };
    const wrapper = [module.exports, used.require ? globals.require : undefined, module, options.path, options.directory, options.url, usesOutsideRequire ? globals.require : undefined, importMeta, defineLiveExports];
    // A global the code never names cannot be reached: it is left undefined rather than made.
    const values = instanceGlobalNames.map((name) => (used.globals.has(name) ? globals.get(name) : undefined));
    const returned = running.runAs(hooks, () => moduleFunction.call(undefined, ...wrapper, ...values));
    // module.exports is read after the body ran: a CommonJS entry replaces it.
    return new Evaluated(module, moduleFunction.awaits ? (returned as Promise<unknown>) : undefined);
  };
  return {
    path: options.path,
    realm,
    evaluate,
    instantiate(hooks) {
      const evaluated = evaluate(hooks);
      if (evaluated.evaluation === undefined) return evaluated.exports;
      return finishedNow(evaluated.evaluation, realm, () => evaluated.exports);
    },
    runAs: (hooks, action) => running.runAs(hooks, action),
    sharedGlobals: () => Object.getOwnPropertyNames(contextGlobal).filter((name) => !ownGlobals.has(name)),
  };
}

/**
 * What one evaluation of the body gave. A class, not a literal with a getter: a literal's accessor made per
 * instance lands in a hidden class the collector keeps in its old generation, and through the getter's
 * closure that instance's whole run stayed alive until the next full collection.
 */
class Evaluated {
  constructor(
    private readonly module: { readonly exports: Record<string, unknown> },
    readonly evaluation: Promise<unknown> | undefined,
  ) {}

  get exports(): Record<string, unknown> {
    return this.module.exports;
  }
}

type ModuleFunction = ((...args: unknown[]) => unknown) & { readonly awaits: boolean };

/**
 * The body as a function: a plain one, or an async one when it awaits at its top (the plain compile refuses
 * such a body; ES module source cannot use `await` as a name, so nothing else is taken for it).
 */
function compileBody(options: CompileOptions, context: vm.Context): ModuleFunction {
  try {
    const compiled = vm.compileFunction(options.code, parameterNames, { parsingContext: context, filename: options.path }) as (...args: unknown[]) => unknown;
    return Object.assign(compiled, { awaits: false });
  } catch (error) {
    if (!(error instanceof SyntaxError || (error as Error).name === 'SyntaxError') || !/\bawait\b/.test((error as Error).message)) throw error;
  }
  // The header shares the body's first line, so that line numbers stay those of the bundle.
  const script = new vm.Script(`(async function (${parameterNames.join(', ')}) {${options.code}\n})`, { filename: options.path });
  return Object.assign(script.runInContext(context) as (...args: unknown[]) => unknown, { awaits: true });
}

/**
 * Settles a module's top-level await now, by draining the sandbox's microtasks: a provider is created
 * synchronously, so its module must finish evaluating without waiting for time to pass.
 */
function finishedNow<T>(evaluation: Promise<unknown>, realm: CompiledModule['realm'] & { touch(): void }, exports: () => T): T {
  const state: { kind: 'pending' | 'done' | 'failed'; reason?: unknown } = { kind: 'pending' };
  // Observed through the realm: a reaction registered from the host would wait for the host's own queue.
  realm.observe(
    evaluation,
    () => {
      state.kind = 'done';
    },
    (reason: unknown) => {
      state.kind = 'failed';
      state.reason = reason;
    },
  );
  realm.settle();
  if (state.kind === 'failed') throw state.reason;
  if (state.kind === 'pending') {
    throw new Error('its top-level await is still waiting after every pending promise ran: a module loaded per simulated browser must finish evaluating without timers or I/O');
  }
  return exports();
}

/**
 * Which instance's code is running synchronously right now, for findings made through the shared global
 * object. Between synchronous calls (promise continuations drained by `settle`) no client can be named; the
 * finding is then unattributed, and answered from the instance that ran last, which is deterministic.
 */
class RunningInstance {
  private current: InstanceHooks | undefined;
  private last: InstanceHooks = { clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined };
  private readonly sinks = new WeakMap<InstanceHooks, { attributed: ReportFinding; unattributed: ReportFinding }>();

  runAs<T>(hooks: InstanceHooks, action: () => T): T {
    const previous = this.current;
    this.current = hooks;
    this.last = hooks;
    try {
      return action();
    } finally {
      this.current = previous;
    }
  }

  answering(): InstanceHooks {
    return this.current ?? this.last;
  }

  readonly report: ReportFinding = (api, detail) => {
    const hooks = this.answering();
    let sinks = this.sinks.get(hooks);
    if (sinks === undefined) {
      sinks = { attributed: findingSink(hooks, true), unattributed: findingSink(hooks, false) };
      this.sinks.set(hooks, sinks);
    }
    (this.current === undefined ? sinks.unattributed : sinks.attributed)(api, detail);
  };
}

function sandboxRealm(context: vm.Context, helpers: SandboxHelpers): CompiledModule['realm'] & { touch(): void } {
  const drain = new vm.Script('undefined', { filename: 'rtc-sim-settle' });
  let dirty = false;
  return {
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
    bytes: (length) => helpers.bytes(length),
  };
}

function simulatedConsole(hooks: InstanceHooks): Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'> {
  const line =
    (level: string) =>
    (...parts: unknown[]): void =>
      hooks.log(level, parts.map((part) => (typeof part === 'string' ? part : safeInspect(part))).join(' '));
  return { log: line('log'), info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug') };
}

// An Error (of any realm) as `Name: message`, as a console shows it: JSON would print its no own fields as `{}`.
function safeInspect(value: unknown): string {
  try {
    if (Object.prototype.toString.call(value) === '[object Error]') return describeThrown(value);
    return JSON.stringify(value) ?? String(value);
  } catch {
    return describeThrown(value);
  }
}
