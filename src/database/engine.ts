import { PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { onMachine, withoutEngineAlarms, type DatabaseMachine } from './machine.ts';
import type { PgBackend } from './postgres/pg-module.ts';
import { reseedRandomDevice } from './random-device.ts';
import { restoreSnapshot, takeSnapshot, watchSchemaChanges, wipeUserSchemas, type Snapshot } from './snapshot.ts';

/** The user's one-time preparation of the database (migrations, seed rows), and the machine it runs on. */
export interface DatabaseSetup {
  /**
   * Names the setup: the engine re-runs it only when the key changes (or a run altered the schema).
   * Same key ⇒ the setup must produce the same database.
   */
  readonly key: string;
  /** Runs the statements directly (not as scheduled events), once per key per engine. */
  readonly run: (database: DirectDatabase) => Promise<void>;
  /**
   * The machine the setup runs on. It must be the same for every run that shares the key (not the first
   * run's clock), or a worker's results would depend on which seed it ran first.
   */
  readonly machine: DatabaseMachine;
}

/** The PGlite-shaped handle a setup gets: statements run at once, on the setup's machine. */
export interface DirectDatabase {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(fn: (transaction: Transaction) => Promise<T>): Promise<T>;
  /** The routed `pg`'s statements, run at once (a real server's engine only). */
  readonly pg?: PgBackend;
  /** True while a statement is on its way to a real server: the setup's timers must not move meanwhile. */
  readonly busy?: () => boolean;
}

/** How a run's fresh database was made, and what it cost in real time. */
export type FreshDatabase =
  | { readonly kind: 'restored'; readonly realMs: number }
  | { readonly kind: 'built'; readonly reason: BuildReason; readonly realMs: number };

/** Why the setup ran again: never before on this engine, another setup, or a run changed the schema. */
export type BuildReason = 'first-setup' | 'setup-changed' | 'schema-changed';

/**
 * One embedded Postgres (PGlite) per process, created at first use and reused by every run: a cold start
 * costs seconds, a reset one round trip dominated by TRUNCATE (see bench/database.ts). Runs use it one
 * after another, never at the same time.
 */
export class DatabaseEngine {
  private machine: DatabaseMachine | undefined;
  private snapshot: Snapshot | undefined;
  private setupKey: string | undefined;

  private constructor(private readonly pglite: PGlite) {
    const executeSync = pglite.execProtocolRawSync.bind(pglite);
    // Every statement reaches the WebAssembly engine through this one synchronous call.
    pglite.execProtocolRawSync = (message: Uint8Array) => {
      const machine = this.machine;
      return withoutEngineAlarms(() => (machine === undefined ? executeSync(message) : onMachine(machine, () => executeSync(message))));
    };
  }

  /** Starts a new engine (seconds of real time); prefer `sharedEngine()`. */
  static async start(): Promise<DatabaseEngine> {
    const pglite = await withEngineStartAlarmsUnref(() => PGlite.create());
    // Made first, so that even the engine's own statements run without alarms.
    const engine = new DatabaseEngine(pglite);
    await watchSchemaChanges(pglite);
    return engine;
  }

  /**
   * Gives the run a fresh database: the setup's result, with no row a previous run wrote, the session reset,
   * `random()` reseeded and the random device refilled from `machine`.
   */
  async freshRun(setup: DatabaseSetup, machine: DatabaseMachine): Promise<FreshDatabase> {
    const started = performance.now();
    // setseed takes [-1, 1]; random() then restarts its sequence from it. Drawn first, whatever path follows.
    const reseed = `SELECT setseed(${machine.entropy.next() * 2 - 1});`;
    if (this.pglite.isInTransaction()) await this.pglite.exec('ROLLBACK');
    let built: BuildReason | undefined;
    if (this.snapshot === undefined) built = 'first-setup';
    else if (this.setupKey !== setup.key) built = 'setup-changed';
    else if (!(await restoreSnapshot(this.pglite, this.snapshot, reseed))) built = 'schema-changed';
    if (built !== undefined) {
      const snapshot = await this.build(setup);
      // Restored at once, so the first run's rows sit where every later run's do (the setup wrote them its
      // own way, perhaps with updates and deletes between).
      if (!(await restoreSnapshot(this.pglite, snapshot, reseed))) throw new Error('DatabaseEngine: the snapshot did not restore right after the setup');
    }
    reseedRandomDevice(this.pglite, machine);
    const realMs = performance.now() - started;
    return built === undefined ? { kind: 'restored', realMs } : { kind: 'built', reason: built, realMs };
  }

  /** Runs one statement (extended protocol, with parameters) on `machine`. */
  query<T>(machine: DatabaseMachine, text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.on(machine, () => this.pglite.query<T>(text, params as unknown[], options));
  }

  /** Runs a script of statements (simple protocol, no parameters) on `machine`. */
  exec(machine: DatabaseMachine, sql: string, options?: QueryOptions): Promise<Results[]> {
    return this.on(machine, () => this.pglite.exec(sql, options));
  }

  /** Stops the engine and frees its memory (an engine of its own, as a test starts; the shared one lives as long as the process). */
  async close(): Promise<void> {
    await this.pglite.close();
  }

  /** Whether the engine's session is inside a transaction block. */
  isInTransaction(): boolean {
    return this.pglite.isInTransaction();
  }

  private async on<T>(machine: DatabaseMachine, work: () => Promise<T>): Promise<T> {
    if (this.machine !== undefined) throw new Error('DatabaseEngine: a statement is already running (statements must be serialized)');
    this.machine = machine;
    try {
      return await work();
    } finally {
      this.machine = undefined;
    }
  }

  private async build(setup: DatabaseSetup): Promise<Snapshot> {
    await this.pglite.exec('DISCARD ALL');
    await wipeUserSchemas(this.pglite);
    this.setupKey = undefined;
    this.snapshot = undefined;
    const direct: DirectDatabase = {
      query: (text, params, options) => this.query(setup.machine, text, params, options),
      exec: (sql, options) => this.exec(setup.machine, sql, options),
      transaction: (fn) => this.on(setup.machine, () => this.pglite.transaction(fn)),
    };
    await setup.run(direct);
    if (this.pglite.isInTransaction()) await this.pglite.exec('ROLLBACK');
    this.snapshot = await takeSnapshot(this.pglite);
    this.setupKey = setup.key;
    return this.snapshot;
  }

}

/**
 * Runs the engine's start (`PGlite.create`, seconds of real work, awaited) with the alarms Postgres arms
 * meanwhile unref'd: they only log start-up progress, and must not keep Node alive or be counted as handles
 * a user's code left open. Other timers set meanwhile are untouched. After the start, every statement runs
 * without alarms (`withoutEngineAlarms`).
 */
async function withEngineStartAlarmsUnref<T>(start: () => Promise<T>): Promise<T> {
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = function engineAwareSetTimeout(this: unknown, ...args: Parameters<typeof setTimeout>) {
    const timer = realSetTimeout(...args);
    if (new Error().stack?.includes('__setitimer_js') === true) timer.unref();
    return timer;
  } as typeof setTimeout;
  try {
    return await start();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
}

let shared: Promise<DatabaseEngine> | undefined;

/** The process's one engine, started at the first call. */
export function sharedEngine(): Promise<DatabaseEngine> {
  shared ??= DatabaseEngine.start();
  return shared;
}
