import type { BackendContractProblem, BackendEnv } from '../backend/contract.ts';
import { backendProblem } from '../backend/contract.ts';
import type { BackendSource } from '../backend/load.ts';
import { settling } from '../backend/settling.ts';
import { SimulatedDatabase } from '../database/database.ts';
import { sharedEngine, type DirectDatabase } from '../database/engine.ts';
import { hostParams, type DatabaseHandle } from '../database/handles.ts';
import { kernelScheduler } from '../database/kernel-scheduler.ts';
import type { DatabaseMachine } from '../database/machine.ts';
import { sessionsMax, sharedPostgresEngine, type PostgresEngine } from '../database/postgres/engine.ts';
import { PostgresUnavailable } from '../database/postgres/server.ts';
import { pgModules } from '../database/postgres/pg-backend.ts';
import { SessionDatabase } from '../database/postgres/sessions.ts';
import type { StatementRecord } from '../database/records.ts';
import { forkStream } from '../kernel/random.ts';
import { databaseEnvironment } from '../database/postgres/pg-module.ts';
import type { VirtualTimers } from '../providers/machine-services.ts';
import type { KeyStore } from '../providers/types.ts';
import type { WorldContext } from './world-context.ts';

/** How long each statement takes on its way to the engine and back, uniform in [min, max] (seeded per run). */
export const statementLatencyMs = { minMs: 1, maxMs: 5 } as const;

/** A run's database, ready, with what the backend's setup stored in the key store; or why the setup failed. */
export type PreparedDatabase =
  | { readonly ok: true; readonly database: SimulatedDatabase | SessionDatabase; readonly keyStoreEntries: readonly (readonly [string, string])[] }
  | { readonly ok: false; readonly problem: BackendContractProblem };

/** Host turns a setup on the real server may take (each a setImmediate: about a minute at most; CREATE EXTENSION alone takes ~100 ms). */
const postgresSetupTurnsMax = 2_000_000;

// What each setup stored in its key store, by setup key: the engine runs a setup once and restores its rows.
const setupKeyStores = new Map<string, readonly (readonly [string, string])[]>();

/**
 * Gives one run its database: the process's one engine, reset to what the backend module's `setup(env)` left
 * (run once per engine, then restored before every run — fast, and the same as running it afresh, since a
 * setup runs on a fixed machine: the epoch's clock and a fixed stream). Statements of the run are scheduled on
 * the world's kernel, on the backend machine's clock and stream.
 */
export async function prepareBackendDatabase(
  world: WorldContext,
  backend: BackendSource,
  machine: DatabaseMachine,
  onStatement: (record: StatementRecord) => void,
  /** The process's real server (a test passes one that cannot start). */
  server: () => Promise<PostgresEngine> = sharedPostgresEngine,
): Promise<PreparedDatabase> {
  // The run's pin, else the module's choice; PGlite when neither says (a source made by hand, in tests).
  if ((world.config.database ?? backend.database) === 'postgres') return preparePostgresDatabase(world, backend, machine, onStatement, server);
  if (backend.loadsPg === true) {
    return { ok: false, problem: backendProblem('setup-threw', 'this backend loads pg (node-postgres), which only a real PostgreSQL server answers, and this run asks for PGlite (--database pglite, or database in its config): drop that pin') };
  }
  const engine = await sharedEngine();
  const key = backend.label;
  const problem = await setupProblem(() => engine.freshRun({ key, machine: setupMachine(world.config.epochMs), run: (direct) => runSetup(backend, key, direct, world.config.epochMs) }, machine));
  if (problem !== undefined) return { ok: false, problem };
  const database = new SimulatedDatabase({
    engine,
    machine,
    scheduler: kernelScheduler(world.queue, world.hostWork),
    latency: { stream: world.streams.get('database'), ...statementLatencyMs },
    onStatement,
  });
  return { ok: true, database, keyStoreEntries: setupEntries(key) };
}

/**
 * The same on a real PostgreSQL server (the default; see `loadBackendModule`): the process's
 * server, a pool of 1 to 10 sessions drawn per seed, the setup restored, SQL's clock and draws from `machine`.
 */
async function preparePostgresDatabase(world: WorldContext, backend: BackendSource, machine: DatabaseMachine, onStatement: (record: StatementRecord) => void, server: () => Promise<PostgresEngine>): Promise<PreparedDatabase> {
  const started = await server().then(
    (engine) => ({ ok: true as const, engine }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (!started.ok) {
    if (!(started.error instanceof PostgresUnavailable)) throw started.error;
    // Not the integrator's fault, but nothing can run without it: said as the setup's problem, with the reason.
    return { ok: false, problem: backendProblem('setup-threw', `this backend needs a real PostgreSQL server (it loads pg, or asks for database = 'postgres'), and none could start here: ${started.error.message}`) };
  }
  const engine = started.engine;
  const key = backend.label;
  const poolSize = Math.min(world.config.databaseSessions ?? sessionsMax, sessionsMax);
  const seed = machine.entropy.hex(16);
  const problem = await setupProblem(() => engine.freshRun({ key, machine: setupMachine(world.config.epochMs), run: (direct) => runSetup(backend, key, direct, world.config.epochMs, postgresSetupTurnsMax) }, seed));
  if (problem !== undefined) return { ok: false, problem };
  const database = new SessionDatabase({
    engine,
    sessions: await engine.sessions(sessionsMax),
    poolSize,
    machine,
    scheduler: kernelScheduler(world.queue, world.hostWork),
    latency: { stream: world.streams.get('database'), ...statementLatencyMs },
    onStatement,
  });
  return { ok: true, database, keyStoreEntries: setupEntries(key) };
}

/** A fresh run of the engine, or the problem its setup ended with; anything else thrown is rtc-sim's own. */
async function setupProblem(freshRun: () => Promise<unknown>): Promise<BackendContractProblem | undefined> {
  try {
    await freshRun();
    return undefined;
  } catch (error) {
    if (isProblem(error)) return error;
    throw error;
  }
}

/** What the setup of `key` stored in its key store. */
function setupEntries(key: string): readonly (readonly [string, string])[] {
  // Stryker disable next-line ArrayDeclaration: unreachable: a setup that finished stored its entries (possibly none) under its key
  return setupKeyStores.get(key) ?? [];
}

function setupMachine(epochMs: number): DatabaseMachine {
  return { clockMs: () => epochMs, entropy: forkStream(0, 'backend-setup') };
}

/** Runs the module's `setup(env)` once; a real server answers on its own time, so it gives more host turns (`turnsMax`). */
async function runSetup(backend: BackendSource, key: string, direct: DirectDatabase, epochMs: number, turnsMax?: number): Promise<void> {
  const stream = forkStream(0, 'backend-setup:env');
  const entries = new Map<string, string>();
  const env: BackendEnv = {
    db: directHandle(direct),
    keyStore: memoryKeyStore(entries),
    now: () => epochMs,
    random: () => stream.next(),
    randomBytes: (length) => stream.bytes(length),
    sleep: () => Promise.resolve(),
  };
  const timers = new SetupTimers();
  const machine = { elapsed: () => timers.nowMs, log: () => undefined, timers, environment: databaseEnvironment(), ...(direct.pg === undefined ? {} : { modules: pgModules(direct.pg) }) };
  // A timer fires only while the setup waits on nothing else: a statement to a real server takes many host
  // turns, and a pool's acquire timeout must not fire because time jumped meanwhile.
  const settled = await settling(backend.realm, backend.setup(env, machine), turnsMax, () => {
    if (direct.busy?.() !== true) timers.fireNext();
  });
  if (!settled.ok) throw backendProblem('setup-threw', 'setup(env) did not finish: it never resolved');
  if (settled.value !== undefined) throw settled.value;
  setupKeyStores.set(key, [...entries]);
}

/**
 * A setup's timers (knex's pool sets some): outside any world, on a clock of their own that jumps to the next
 * timer whenever the setup is waiting — so a setup that sleeps or retries still finishes, in the same way
 * every time.
 */
class SetupTimers implements VirtualTimers {
  nowMs = 0;
  private count = 0;
  private readonly pending = new Map<number, { dueMs: number; readonly callback: () => void; readonly repeatMs: number | undefined }>();

  set(callback: () => void, delayMs: number, repeat: boolean): number {
    const id = ++this.count;
    this.pending.set(id, { dueMs: this.nowMs + delayMs, callback, repeatMs: repeat ? delayMs : undefined });
    return id;
  }

  clear(id: number): void {
    this.pending.delete(id);
  }

  /** Fires the earliest timer (the first set, among equals), moving the clock to it. */
  fireNext(): void {
    let next: [number, { dueMs: number; readonly callback: () => void; readonly repeatMs: number | undefined }] | undefined;
    for (const entry of this.pending) if (next === undefined || entry[1].dueMs < next[1].dueMs) next = entry;
    if (next === undefined) return;
    const [id, timer] = next;
    this.nowMs = Math.max(this.nowMs, timer.dueMs);
    if (timer.repeatMs === undefined) this.pending.delete(id);
    else timer.dueMs += timer.repeatMs;
    timer.callback();
  }
}

// The setup's statements run at once, not as events: nothing else is happening yet.
function directHandle(direct: DirectDatabase): DatabaseHandle {
  return {
    query: (text, params, options) => direct.query(text, hostParams(params), options),
    exec: (sql, options) => direct.exec(sql, options),
    transaction: (fn) => direct.transaction((transaction) => fn({ query: (text, params, options) => transaction.query(text, hostParams(params), options), exec: transaction.exec.bind(transaction), rollback: transaction.rollback.bind(transaction), get closed() { return transaction.closed; } })),
    waitReady: Promise.resolve(),
    ready: true,
    closed: false,
    close: () => Promise.resolve(),
  };
}

/** A key store over a plain map, answering at once: what a setup writes to, outside any world. */
export function memoryKeyStore(entries: Map<string, string>): KeyStore {
  return {
    get: async (key) => entries.get(key),
    set: async (key, value) => void entries.set(key, value),
    setIfAbsent: async (key, value) => (entries.has(key) ? false : (entries.set(key, value), true)),
    delete: async (key) => void entries.delete(key),
    list: async (prefix) => [...entries.keys()].filter((key) => key.startsWith(prefix)).sort(),
  };
}

function isProblem(value: unknown): value is BackendContractProblem {
  return (value as { kind?: unknown } | null | undefined)?.kind === 'backend-contract';
}
