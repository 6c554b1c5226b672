import { describeThrown, type Result } from '../errors.ts';
import { loadProviderModule } from '../providers/loader.ts';
import type { NondeterminismFinding } from '../providers/nondeterminism.ts';
import type { VirtualTimers } from '../providers/machine-services.ts';
import type { CompiledModule, InstanceHooks } from '../providers/sandbox.ts';
import type { HostWorkTracker } from '../providers/simulated-subtle.ts';
import type { Environment } from '../providers/machine-environment.ts';
import type { RoutedConnection } from '../providers/simulated-network.ts';
import { machineHooks } from './machine-hooks.ts';
import { databaseEnvironment, simulatedPg, unconnected } from '../database/postgres/pg-module.ts';
import { postgresAvailability, type PostgresAvailability } from '../database/postgres/availability.ts';
import { adaptBackend } from './adapt.ts';
import { backendProblem, isNodeListener, type BackendContractProblem, type BackendEnv, type FetchHandler } from './contract.ts';

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
  /** What the world adds to the machine's `process.env` (the database's URL); see machine-environment.ts. */
  readonly environment?: Environment;
  /** Where the backend's outgoing connections go (the database); absent: refused. See simulated-network.ts. */
  readonly connections?: RoutedConnection;
  /** Packages the machine answers itself: `pg`, routed to the simulated database. */
  readonly modules?: ReadonlyMap<string, () => unknown>;
}

/** The engines a backend's database can be: a real PostgreSQL server, or PGlite (Postgres in WebAssembly). */
export type BackendDatabase = 'postgres' | 'pglite';

/** A started backend process: the one handler it serves with, or why it could not start. */
export type StartedBackend = { readonly ok: true; readonly handler: FetchHandler } | { readonly ok: false; readonly problem: BackendContractProblem };

/** The integrator's backend module, loaded once, started afresh whenever its simulated process starts. */
export interface BackendSource {
  /** The module's path, for reports. */
  readonly label: string;
  /**
   * The database its runs get, decided at load: a real PostgreSQL server's pool (`'postgres'`, the default;
   * src/database/postgres/), or PGlite's one session (`'pglite'`: asked for, or the fallback). Absent: PGlite.
   */
  readonly database?: BackendDatabase;
  /** Why this machine fell back to PGlite (no server binary, or the server could not start); absent otherwise. */
  readonly databaseFallback?: string;
  /** The module's code loads `pg` (node-postgres), which only the real server answers. */
  readonly loadsPg?: boolean;
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
  /** The names the module's code added to its sandbox's global object: state every start and every run share. */
  sharedGlobals?(): readonly string[];
}

/**
 * Loads the integrator's backend module with the providers' loading rules (TS or JS anywhere on disk, npm
 * packages bundled from its own folder's node_modules, evaluated in a sandbox), on a server machine: `Date`,
 * `Math.random`, `performance` and `crypto` answer from the backend machine's clock and stream silently (the
 * server's clock is legitimately the real one in production), and `process`, node:http and `setImmediate` are
 * there for Express and its dependencies (server-globals.ts). A module exporting none of the forms
 * `backendExports` reads is refused here, at load time, like a provider with neither export (exit 2).
 * `availability` decides the database of a module that does not ask for one (a parameter for the tests).
 */
export async function loadBackendModule(path: string, availability: () => Promise<PostgresAvailability> = postgresAvailability): Promise<Result<BackendSource>> {
  const loaded = await loadProviderModule(path, 'server');
  if (!loaded.ok) return loaded;
  const compiled = loaded.value;
  const invalid = (message: string): Result<BackendSource> => ({ ok: false, error: { kind: 'module-invalid', path: compiled.path, message } });
  // A backend whose code loads `pg` (node-postgres) gets the real server's sessions: the probe notes it.
  let loadsPg = false;
  const probeModules = new Map([['pg', () => ((loadsPg = true), simulatedPg(() => unconnected))]]);
  // The probe is an instance on a machine of its own: the clock at 0, the machine's environment (the user's
  // variables and the database's URL, as every start gets them: a module that checks DATABASE_URL at its top
  // loads), timers that never fire (a cleanup interval set at the top is kept; a top-level await on a timer
  // stays waiting), nothing logged or reported.
  const probe: InstanceHooks = {
    clock: () => 0,
    elapsed: () => 0,
    random: () => 0.5,
    log: ignore,
    // Stryker disable next-line StringLiteral: the probe's findings are ignored, so how its clock reads are judged changes nothing
    timeAndRandom: 'route',
    report: ignore,
    // Stryker disable next-line ArrowFunction: a timer that never fires: its number is never compared
    timers: { set: () => 0, clear: ignore },
    ...machineHooks({ environment: databaseEnvironment() }),
    modules: probeModules,
  };
  const probed = probeExports(compiled, probe);
  if (probed.kind === 'threw') return invalid(`evaluating ${compiled.path} threw ${describeThrown(probed.error)}`);
  // A module whose top-level await waits on time is checked when its process starts, where time passes.
  const asked = probed.kind === 'evaluated' ? probedChoice(probed.exports) : { ok: true as const, value: undefined };
  if (!asked.ok) return invalid(`${compiled.path} ${asked.message}`);
  if (loadsPg && asked.value === 'pglite') {
    return invalid(`${compiled.path} exports database = 'pglite' but its code loads pg (node-postgres), which only a real PostgreSQL server answers: remove the export (the real server is the default)`);
  }
  const chosen = await chooseDatabase(asked.value ?? (loadsPg ? 'postgres' : undefined), availability);
  return { ok: true, value: { ...sourceFromCompiledBackend(compiled), ...chosen, ...(loadsPg ? { loadsPg } : {}) } };
}

function ignore(): void {}

/**
 * The database a backend gets: what it asked for, else the real server when this machine can start one, else
 * PGlite with the reason (decided once per process, at the first backend loaded).
 */
async function chooseDatabase(asked: BackendDatabase | undefined, availability: () => Promise<PostgresAvailability>): Promise<{ database: BackendDatabase; databaseFallback?: string }> {
  if (asked !== undefined) return { database: asked };
  const available = await availability();
  return available.ok ? { database: 'postgres' } : { database: 'pglite', databaseFallback: available.reason };
}

type Asked = { readonly ok: true; readonly value: BackendDatabase | undefined } | { readonly ok: false; readonly message: string };

// What a probe's exports say: a backend form `backendExports` reads, and the database the module asks for.
function probedChoice(exports: unknown): Asked {
  const exported = backendExports(exports);
  if (!exported.ok) return { ok: false, message: exported.problem.message };
  return askedDatabase(exports as Record<string, unknown>);
}

// `export const database = 'postgres' | 'pglite'`: the module's own choice; anything else is refused, named.
function askedDatabase(exports: Record<string, unknown>): Asked {
  let value: unknown;
  try {
    value = exports['database'];
  } catch (error) {
    return { ok: false, message: `exports database, but reading it threw ${describeThrown(error)}` };
  }
  if (value === undefined || value === 'postgres' || value === 'pglite') return { ok: true, value };
  return { ok: false, message: `exports database = ${describeThrown(value)}: expected 'postgres' (a real PostgreSQL server, the default) or 'pglite' (PGlite, one session)` };
}

/** The backend source of a compiled module: each start and each setup is a fresh instance of it. */
export function sourceFromCompiledBackend(compiled: CompiledModule): BackendSource {
  const settled = <T>(value: unknown, onValue: (value: unknown) => T, onError: (reason: unknown) => T): Promise<T> =>
    new Promise((resolve) => compiled.realm.observe(value, (settledValue) => resolve(onValue(settledValue)), (reason) => resolve(onError(reason))));
  return {
    label: compiled.path,
    realm: compiled.realm,
    sharedGlobals: compiled.sharedGlobals,
    async setup(env, machine) {
      const hooks = hooksOf(env, machine);
      const instantiated = instantiate(compiled, hooks, settled);
      // Awaited only when the module awaits at its top: a turn of the host's here would let the world move on.
      const exports = instantiated instanceof Promise ? await instantiated : instantiated;
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
      const instantiated = instantiate(compiled, hooks, settled);
      const exports = instantiated instanceof Promise ? await instantiated : instantiated;
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
  const report = machine.report;
  return {
    clientId: 'backend',
    clock: () => env.now(),
    elapsed: () => machine.elapsed(),
    random: () => env.random(),
    log: (level, text) => machine.log(level, text),
    timeAndRandom: 'route',
    timers: machine.timers,
    hostWork: machine.hostWork,
    ...machineHooks(machine),
    modules: machine.modules,
    // Without a report of the machine's, the sandbox logs its findings as warnings.
    ...(report === undefined ? {} : { report: (finding: NondeterminismFinding) => report.call(machine, finding) }),
  };
}

type Instantiated = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };
type Settled = <T>(value: unknown, onValue: (value: unknown) => T, onError: (reason: unknown) => T) => Promise<T>;

// A fresh instance; a module with top-level await is waited for as the simulation runs (its timers, its I/O).
function instantiate(compiled: CompiledModule, hooks: InstanceHooks, settled: Settled): Instantiated | Promise<Instantiated> {
  const threw = (error: unknown): Instantiated => ({ ok: false, message: `evaluating the backend module threw ${describeThrown(error)}` });
  try {
    const evaluated = compiled.evaluate(hooks);
    if (evaluated.evaluation === undefined) return { ok: true, value: evaluated.exports };
    return settled<Instantiated>(evaluated.evaluation, () => ({ ok: true, value: evaluated.exports }), threw);
  } catch (error) {
    return threw(error);
  }
}

type Probed = { readonly kind: 'evaluated'; readonly exports: unknown } | { readonly kind: 'threw'; readonly error: unknown } | { readonly kind: 'waiting' };

/** The exports of a probe instance at load time; a top-level await still waiting after its microtasks is `waiting`. */
function probeExports(compiled: CompiledModule, probe: InstanceHooks): Probed {
  try {
    const evaluated = compiled.evaluate(probe);
    // Plain values (a body without top-level await) are observed at once.
    // Stryker disable next-line ObjectLiteral,StringLiteral: neither 'threw' nor 'evaluated' is waiting, whatever its kind says
    let probed: Probed = { kind: 'waiting' };
    compiled.realm.observe(evaluated.evaluation, () => (probed = { kind: 'evaluated', exports: evaluated.exports }), (error) => (probed = { kind: 'threw', error }));
    compiled.realm.settle();
    return probed;
  } catch (error) {
    return { kind: 'threw', error };
  }
}

type Exported = { readonly ok: true; readonly create: (env: BackendEnv) => unknown } | { readonly ok: false; readonly problem: BackendContractProblem };

/**
 * The backend forms people write, read defensively (a module may set module.exports to null, a number, or a
 * Proxy whose every trap throws):
 * - `export function createBackend(env)` (or `export default` a plain function): called at each start;
 * - `export default app` where app has `fetch(request, env)` — Hono, Workers' and Bun's `export default
 *   { fetch }`: the module's own instance is the app, and `fetch` gets the backend's env as its second
 *   argument (Hono's `c.env`, Workers' `env`);
 * - `export default app` where app is an Express app or a Node request listener `(req, res)`;
 * - the same as CommonJS: `module.exports = async function (env) { … }`, `module.exports = app`.
 */
function backendExports(exports: unknown): Exported {
  const none = (message: string): Exported => ({ ok: false, problem: backendProblem('no-export', message) });
  try {
    // The exports as an object: null and undefined become an empty one, a number or a string its wrapper.
    const record = Object(exports) as Record<string, unknown>;
    if (typeof record['createBackend'] === 'function') return { ok: true, create: record['createBackend'] as (env: BackendEnv) => unknown };
    // Without a default, the exports themselves: CommonJS's `module.exports = app` or `= { fetch }`.
    const create = creatorOf('default' in record ? record['default'] : exports);
    if (create !== undefined) return { ok: true, create };
    const found = Object.keys(record).filter((name) => name !== '__esModule');
    return none(`exports neither createBackend(env), a default function, nor a default app (an object with fetch(request), an Express app or a Node request listener)` + (found.length > 0 ? ` (it exports: ${found.join(', ')}${'default' in record ? `; default is ${describeValue(record['default'])}` : ''})` : ' (it exports nothing)'));
  } catch (error) {
    return none(`exports neither createBackend(env) nor a default function or app: reading its exports threw ${describeThrown(error)}`);
  }
}

/** How a default export starts the backend: a factory is called with env; an app is served as it is. */
function creatorOf(value: unknown): ((env: BackendEnv) => unknown) | undefined {
  if (typeof value === 'object' && value !== null) {
    const fetch = (value as Record<string, unknown>)['fetch'];
    if (typeof fetch !== 'function') return undefined;
    return (env) => ({ fetch: (request: Request) => (fetch as (request: Request, env: BackendEnv) => unknown).call(value, request, env) });
  }
  if (typeof value !== 'function') return undefined;
  // A request listener (req, res) or an Express/Connect app is the app itself; any other function makes one.
  if (isNodeListener(value as (...args: never[]) => unknown)) return () => value;
  return value as (env: BackendEnv) => unknown;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with ${Object.keys(value).slice(0, 5).join(', ') || 'no properties'} but no fetch method`;
  return typeof value;
}
