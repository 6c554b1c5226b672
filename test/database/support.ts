import { EventQueue } from '../../src/kernel/event-queue.ts';
import { HostWork } from '../../src/kernel/host-work.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { runLoop, type LoopEnd } from '../../src/kernel/run-loop.ts';
import type { Strategy } from '../../src/kernel/strategy.ts';
import { SimulatedDatabase } from '../../src/database/database.ts';
import type { DatabaseEngine, DatabaseSetup, FreshDatabase } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import { kernelScheduler } from '../../src/database/kernel-scheduler.ts';
import type { StatementRecord } from '../../src/database/records.ts';
import type { BackendDatabase, BackendSource } from '../../src/backend/load.ts';
import type { DatabaseMachine } from '../../src/database/machine.ts';
import { createHostRealm } from '../../src/providers/realm.ts';

/** 2026-01-01T00:00:00Z: the backend clock's origin in these tests. */
export const epochMs = Date.UTC(2026, 0, 1);

const hostRealm = Object.assign(createHostRealm(), { bytes: (length: number) => new Uint8Array(length) });

/** A backend module made by hand for `prepareBackendDatabase`: only its setup runs, on `database` (absent: PGlite). */
export function setupOnlyBackend(label: string, setup: BackendSource['setup'], database?: BackendDatabase): BackendSource {
  return { label, realm: hostRealm, setup, ...(database === undefined ? {} : { database }), start: () => new Promise(() => undefined) };
}

/** The machine a run's database answers on in these tests: the epoch's clock, a fixed stream. */
export function backendMachine(): DatabaseMachine {
  return { clockMs: () => epochMs, entropy: forkStream(1, 'database:entropy') };
}

/** A setup on a fixed machine (same for every run), as the engine requires. */
export function setupOf(key: string, sql: string): DatabaseSetup {
  return { key, run: async (database) => void (await database.exec(sql)), machine: { clockMs: () => epochMs, entropy: forkStream('setup', 'database') } };
}

/** Picks the enabled event named next in `keys` (prefixes of event keys), else the first enabled event. */
export function scripted(keys: readonly string[]): Strategy {
  let next = 0;
  return {
    name: 'scripted',
    choose(enabled) {
      const wanted = keys[next];
      const index = wanted === undefined ? -1 : enabled.findIndex((event) => event.key.startsWith(wanted));
      if (index >= 0) next++;
      return Math.max(index, 0);
    },
  };
}

/** One simulated run: callers use the database through handles, the kernel orders their statements. */
export interface RunOptions {
  readonly engine: DatabaseEngine;
  readonly setup: DatabaseSetup;
  readonly seed: number;
  readonly strategy?: Strategy;
  readonly latencyMs?: { readonly min: number; readonly max: number };
  readonly transactionIdleTimeoutMs?: number;
  /** False: the database is given no `onStatement` listener (`records` stays empty). */
  readonly recordStatements?: boolean;
  /** The callers' code, started at virtual time 0; each gets its own handle (and the database, to make others). */
  readonly callers: Record<string, (db: DatabaseHandle, database: SimulatedDatabase) => Promise<unknown>>;
}

/** What a run gave: each caller's result or error, the statement records, how the loop ended. */
export interface RunResult {
  readonly fresh: FreshDatabase;
  readonly results: Record<string, { ok: true; value: unknown } | { ok: false; error: unknown } | { pending: true }>;
  readonly records: StatementRecord[];
  readonly end: LoopEnd;
  readonly database: SimulatedDatabase;
  readonly nowMs: number;
}

/** Runs the callers to quiescence on a fresh database. */
export async function runWorld(options: RunOptions): Promise<RunResult> {
  const queue = new EventQueue();
  const hostWork = new HostWork();
  const machine = { clockMs: () => epochMs + queue.nowMs, entropy: forkStream(options.seed, 'database') };
  const fresh = await options.engine.freshRun(options.setup, machine);
  const records: StatementRecord[] = [];
  const database = new SimulatedDatabase({
    engine: options.engine,
    machine,
    scheduler: kernelScheduler(queue, hostWork),
    latency: { stream: forkStream(options.seed, 'database-latency'), minMs: options.latencyMs?.min ?? 1, maxMs: options.latencyMs?.max ?? 5 },
    ...(options.recordStatements === false ? {} : { onStatement: (record: StatementRecord) => records.push(record) }),
    ...(options.transactionIdleTimeoutMs === undefined ? {} : { transactionIdleTimeoutMs: options.transactionIdleTimeoutMs }),
  });
  const results: RunResult['results'] = {};
  for (const [caller, code] of Object.entries(options.callers)) {
    results[caller] = { pending: true };
    code(database.handle(caller), database).then(
      (value) => (results[caller] = { ok: true, value }),
      (error: unknown) => (results[caller] = { ok: false, error }),
    );
  }
  let turned = false;
  const end = await runLoop({
    queue,
    strategy: options.strategy ?? scripted([]),
    // Host work first; then one macrotask turn, so host-realm promise chains (knex's) reach their next statement.
    settle: () => {
      const waiting = hostWork.drain();
      if (waiting !== undefined) return waiting.then(() => void (turned = false));
      if (turned) return (turned = false), undefined;
      turned = true;
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
    isHalted: () => false,
    eventsMax: 10_000,
    virtualTimeMsMax: 3_600_000,
  });
  return { fresh, results, records, end, database, nowMs: queue.nowMs };
}
