import { describeThrown, type Result } from '../errors.ts';
import { loadProviderModule } from '../providers/loader.ts';
import type { NondeterminismFinding } from '../providers/nondeterminism.ts';
import type { VirtualTimers } from '../providers/machine-services.ts';
import type { CompiledModule, InstanceHooks } from '../providers/sandbox.ts';
import type { HostWorkTracker } from '../providers/simulated-subtle.ts';
import { simulatedPg, unconnected } from '../database/postgres/pg-module.ts';
import { adaptBackend } from './adapt.ts';
import { backendProblem, type BackendContractProblem, type BackendEnv, type FetchHandler } from './contract.ts';

/** What the backend's code needs from its simulated server machine besides `env`. */
export interface BackendMachine {
  /** Virtual ms since the run started, for `performance.now()` and `process.hrtime()`. */
  elapsed(): number;
  /** Lines the backend writes to `console`. */
  log(level: string, text: string): void;
  /** Receives what the backend did that the simulation refuses (real timers, outgoing network); absent: logged as warnings. */
  report?(finding: NondeterminismFinding): void;
  /** Receives every request the backend failed to serve (see `adaptBackend`). */
  problem?(problem: BackendContractProblem): void;
  /** The machine's timers on virtual time (absent: `setTimeout` and `setInterval` are refused and reported). */
  readonly timers?: VirtualTimers;
  /** Where `crypto.subtle`'s real work is handed, so that its answers arrive inside the simulation. */
  readonly hostWork?: HostWorkTracker;
  /** Packages the machine answers itself: `pg`, routed to the simulated database. */
  readonly modules?: ReadonlyMap<string, () => unknown>;
}

/** A started backend process: the one handler it serves with, or why it could not start. */
export type StartedBackend = { readonly ok: true; readonly handler: FetchHandler } | { readonly ok: false; readonly problem: BackendContractProblem };

/** The integrator's backend module, loaded once, started afresh whenever its simulated process starts. */
export interface BackendSource {
  /** The module's path, for reports. */
  readonly label: string;
  /** `'postgres'` when the module exports `database = 'postgres'`: its `env.db` is then a real server's pool (src/database/postgres/). */
  readonly database?: 'postgres';
  /**
   * Where the backend's code runs: settle it between two events like a provider's (its promises progress only
   * then). Unlike a provider, a backend also waits on host promises that do not mark the realm (a Node
   * listener's light-my-request injection finishes on process.nextTick; a host Response's body reads): while a
   * request is in flight, `touch()` before `settle()` and let the host take a turn (test/backend/support.ts's
   * `settling` does both, bounded).
   */
  readonly realm: CompiledModule['realm'];
  /** Runs the module's `setup(env)` in a fresh instance, if it exports one: resolves to the problem if it threw or rejected. */
  setup(env: BackendEnv, machine: BackendMachine): Promise<BackendContractProblem | undefined>;
  /** Starts the backend process: a fresh module instance (module memory lost), `createBackend(env)`, adapted. */
  start(env: BackendEnv, machine: BackendMachine): Promise<StartedBackend>;
}

/**
 * Loads the integrator's backend module with the providers' loading rules (TS or JS anywhere on disk, npm
 * packages bundled from its own folder's node_modules, evaluated in a sandbox), on a server machine: `Date`,
 * `Math.random`, `performance` and `crypto` answer from the backend machine's clock and stream silently (the
 * server's clock is legitimately the real one in production), and `process`, node:http and `setImmediate` are
 * there for Express and its dependencies (server-globals.ts). A module with neither `createBackend` nor a
 * default function is refused here, at load time, like a provider with neither export (exit 2).
 */
export async function loadBackendModule(path: string): Promise<Result<BackendSource>> {
  const loaded = await loadProviderModule(path, 'server');
  if (!loaded.ok) return loaded;
  const compiled = loaded.value;
  // A backend whose code loads `pg` (node-postgres) gets the real server's sessions: the probe notes it.
  let loadsPg = false;
  const probeModules = new Map([['pg', () => ((loadsPg = true), simulatedPg(() => unconnected))]]);
  const probe: InstanceHooks = { clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined, timeAndRandom: 'route', report: () => undefined, modules: probeModules };
  let exports: Record<string, unknown>;
  try {
    exports = compiled.instantiate(probe);
  } catch (error) {
    return { ok: false, error: { kind: 'module-invalid', path: compiled.path, message: `evaluating ${compiled.path} threw ${describeThrown(error)}` } };
  }
  const exported = backendExports(exports);
  if (!exported.ok) return { ok: false, error: { kind: 'module-invalid', path: compiled.path, message: `${compiled.path} ${exported.problem.message}` } };
  const source = sourceFromCompiledBackend(compiled);
  return { ok: true, value: loadsPg || wantsPostgres(exports) ? { ...source, database: 'postgres' } : source };
}

// The backend module asks for a real PostgreSQL server (`export const database = 'postgres'`).
function wantsPostgres(exports: Record<string, unknown>): boolean {
  try {
    return exports['database'] === 'postgres';
  } catch {
    return false;
  }
}

/** The backend source of a compiled module: each start and each setup is a fresh instance of it. */
export function sourceFromCompiledBackend(compiled: CompiledModule): BackendSource {
  const settled = <T>(value: unknown, onValue: (value: unknown) => T, onError: (reason: unknown) => T): Promise<T> =>
    new Promise((resolve) => compiled.realm.observe(value, (settledValue) => resolve(onValue(settledValue)), (reason) => resolve(onError(reason))));
  return {
    label: compiled.path,
    realm: compiled.realm,
    async setup(env, machine) {
      const hooks = hooksOf(env, machine);
      const exports = instantiate(compiled, hooks);
      if (!exports.ok) return backendProblem('setup-threw', exports.message);
      const setup = exports.value['setup'];
      if (typeof setup !== 'function') return undefined;
      let returned: unknown;
      try {
        returned = compiled.runAs(hooks, () => (setup as (env: BackendEnv) => unknown)(env));
      } catch (error) {
        return backendProblem('setup-threw', `setup(env) threw ${describeThrown(error)}`);
      }
      return settled(returned, () => undefined, (reason) => backendProblem('setup-threw', `setup(env) rejected with ${describeThrown(reason)}`));
    },
    async start(env, machine) {
      const hooks = hooksOf(env, machine);
      const exports = instantiate(compiled, hooks);
      if (!exports.ok) return { ok: false, problem: backendProblem('creation-threw', exports.message) };
      const exported = backendExports(exports.value);
      if (!exported.ok) return exported;
      let returned: unknown;
      try {
        returned = compiled.runAs(hooks, () => exported.create(env));
      } catch (error) {
        return { ok: false, problem: backendProblem('creation-threw', `createBackend(env) threw ${describeThrown(error)}`) };
      }
      const report = machine.problem ?? (() => undefined);
      return settled<StartedBackend>(
        returned,
        (app) => adaptBackend(app, { runAs: (action) => compiled.runAs(hooks, action), report, now: () => env.now() }),
        (reason) => ({ ok: false, problem: backendProblem('creation-threw', `createBackend(env) rejected with ${describeThrown(reason)}`) }),
      );
    },
  };
}

function hooksOf(env: BackendEnv, machine: BackendMachine): InstanceHooks {
  const hooks: InstanceHooks = {
    clientId: 'backend',
    clock: () => env.now(),
    elapsed: () => machine.elapsed(),
    random: () => env.random(),
    log: (level, text) => machine.log(level, text),
    timeAndRandom: 'route',
    timers: machine.timers,
    hostWork: machine.hostWork,
    modules: machine.modules,
  };
  return machine.report === undefined ? hooks : { ...hooks, report: (finding) => machine.report?.(finding) };
}

function instantiate(compiled: CompiledModule, hooks: InstanceHooks): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  try {
    return { ok: true, value: compiled.instantiate(hooks) };
  } catch (error) {
    return { ok: false, message: `evaluating the backend module threw ${describeThrown(error)}` };
  }
}

type Exported = { readonly ok: true; readonly create: (env: BackendEnv) => unknown } | { readonly ok: false; readonly problem: BackendContractProblem };

// Read defensively: a module may set module.exports to null, a number, or a Proxy whose every trap throws.
function backendExports(exports: unknown): Exported {
  try {
    const record = (typeof exports === 'object' || typeof exports === 'function') && exports !== null ? (exports as Record<string, unknown>) : {};
    const create = typeof record['createBackend'] === 'function' ? record['createBackend'] : record['default'];
    if (typeof create === 'function') return { ok: true, create: create as (env: BackendEnv) => unknown };
    const found = Object.keys(record).filter((name) => name !== '__esModule');
    return {
      ok: false,
      problem: backendProblem('no-export', `exports neither createBackend(env) nor a default function` + (found.length > 0 ? ` (it exports: ${found.join(', ')})` : ' (it exports nothing)')),
    };
  } catch (error) {
    return { ok: false, problem: backendProblem('no-export', `exports neither createBackend(env) nor a default function: reading its exports threw ${describeThrown(error)}`) };
  }
}
