import pg from 'pg';
import type { BuildReason, DatabaseSetup, DirectDatabase, FreshDatabase } from '../engine.ts';
import { schemaChangedCode, takeSnapshot, watchSchemaChanges, wipeUserSchemas, type Snapshot, type SqlRunner } from '../snapshot.ts';
import { clockSchemaScript, routeTimeKeywords, searchPath } from './clock-sql.ts';
import { hostParams } from '../handles.ts';
import type { PgBackend } from './pg-module.ts';
import { pgliteResults, scriptResults } from './results.ts';
import { keepingAlive, sharedServer, type PostgresServer } from './server.ts';

/** The most sessions a run may have (the pool drawn in the swarm is 1 to this). */
export const sessionsMax = 10;

/** One connection of the engine: a real server session, used by one run at a time. */
export interface Session {
  /** 1-based, stable: the order waiters are looked at in. */
  readonly index: number;
  readonly client: pg.Client;
  /** The server process's id, for pg_isolation_test_session_is_blocked. */
  readonly pid: number;
  /** The clock value last set on the session (`rtcsim.now_us`), so an unchanged clock costs no round trip. */
  clockSet: string | undefined;
  /** Its connection was dropped (the backend process crashed): the server rolls back whatever it had open. */
  dropped: boolean;
  /** A statement of the current run was sent on it: the next reset must make it idle and clean again. */
  used: boolean;
  /** The run's seed, set (with the clock) just before the session's first statement of the run: an unused session costs nothing. */
  seedPending: string | undefined;
}

/**
 * A real PostgreSQL server (see server.ts) with a pool of sessions reused by every run of the process, and a
 * control session that watches them (is a statement waiting for a lock?). Like the PGlite engine, the setup runs
 * once per key and its rows are restored before each run (TRUNCATE and re-insert, one round trip).
 */
export class PostgresEngine {
  private readonly pool: Session[] = [];
  private snapshot: Snapshot | undefined;
  private setupKey: string | undefined;

  private constructor(
    readonly server: PostgresServer,
    /** Asks about the sessions; never runs a user's statement. */
    readonly control: pg.Client,
  ) {}

  /** Starts the process's server (if not yet) and connects the control session. */
  static async start(): Promise<PostgresEngine> {
    const server = await sharedServer();
    const control = await connect(server);
    // Each process's cluster is a fresh copy of the template: install our schema and the role's path once here.
    await watchSchemaChanges(runner(control));
    await control.query(clockSchemaScript);
    await control.query(`ALTER ROLE ${server.user} SET search_path = ${searchPath}`);
    return new PostgresEngine(server, control);
  }

  /** The first `count` sessions, connected (a connection costs ~30 ms: they are made once and kept). */
  sessions(count: number): Promise<readonly Session[]> {
    return keepingAlive(() => this.connectSessions(count));
  }

  private async connectSessions(count: number): Promise<readonly Session[]> {
    while (this.pool.length < count) {
      const client = await connect(this.server);
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
      this.pool.push({ index: this.pool.length + 1, client, pid, clockSet: undefined, dropped: false, used: false, seedPending: undefined });
    }
    return this.pool.slice(0, count);
  }

  /**
   * Gives the run a fresh database: every session idle (a statement the last run left waiting is cancelled,
   * its transaction rolled back), the setup's rows restored, the draw sequence restarted, and `seed` set on
   * every session.
   */
  freshRun(setup: DatabaseSetup, seed: string): Promise<FreshDatabase> {
    return keepingAlive(() => this.reset(setup, seed));
  }

  private async reset(setup: DatabaseSetup, seed: string): Promise<FreshDatabase> {
    const started = performance.now();
    await this.quiesce();
    const [first] = await this.connectSessions(1);
    if (first === undefined) throw new Error('PostgresEngine: no session');
    let built: BuildReason | undefined;
    if (this.snapshot === undefined) built = 'first-setup';
    else if (this.setupKey !== setup.key) built = 'setup-changed';
    else if (!(await this.restore(first, this.snapshot))) built = 'schema-changed';
    if (built !== undefined) {
      await this.build(first, setup);
      if (this.snapshot === undefined || !(await this.restore(first, this.snapshot))) throw new Error('PostgresEngine: the snapshot did not restore right after the setup');
    }
    const seedLiteral = seed.replaceAll("'", "''");
    for (const session of this.pool) {
      // What a run can leave on a session it used (settings, cursors, listeners, advisory locks), undone in one
      // round trip; a session the run never touched is already clean. The first also restored the snapshot.
      if (session.used && session !== first) await session.client.query('RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all()');
      session.seedPending = `SET rtcsim.seed = '${seedLiteral}'`;
      session.clockSet = undefined;
      session.dropped = false;
      session.used = false;
    }
    await first.client.query(`SELECT setval('rtcsim.draws', 1, false)`);
    const realMs = performance.now() - started;
    return built === undefined ? { kind: 'restored', realMs } : { kind: 'built', reason: built, realMs };
  }

  // Every session idle and outside a transaction, whatever the last run left.
  private async quiesce(): Promise<void> {
    for (const session of this.pool) {
      const inFlight = (session.client as unknown as { activeQuery?: unknown; _activeQuery?: unknown })._activeQuery;
      if (inFlight !== undefined && inFlight !== null) await this.control.query('SELECT pg_cancel_backend($1)', [session.pid]);
    }
    for (const session of this.pool) {
      // A cancelled statement's promise settles before the ROLLBACK queued behind it runs. A session no
      // statement of the last run reached is idle already (the first one always gets it: the setup ran there).
      if (session.used || session.index === 1) await session.client.query('ROLLBACK').catch(() => undefined);
    }
  }

  private async restore(session: Session, snapshot: Snapshot): Promise<boolean> {
    try {
      await session.client.query(snapshot.restoreScript);
      return true;
    } catch (error) {
      await session.client.query('ROLLBACK').catch(() => undefined);
      if ((error as { code?: unknown }).code === schemaChangedCode) return false;
      throw error;
    }
  }

  private async build(session: Session, setup: DatabaseSetup): Promise<void> {
    const sql = runner(session.client);
    await wipeUserSchemas(sql);
    this.setupKey = undefined;
    this.snapshot = undefined;
    await setup.run(directDatabase(session.client, setup.machine.clockMs()));
    await session.client.query('ROLLBACK').catch(() => undefined);
    this.snapshot = await takeSnapshot(sql);
    this.setupKey = setup.key;
  }
}

async function connect(server: PostgresServer): Promise<pg.Client> {
  const client = new pg.Client({ host: server.socketDirectory, port: server.port, user: server.user, database: server.database });
  await client.connect();
  // A session is never a reason for the process to stay alive.
  (client as unknown as { connection: { stream: { unref?: () => void } } }).connection.stream.unref?.();
  client.on('error', () => undefined);
  return client;
}

function runner(client: pg.Client): SqlRunner {
  return {
    exec: (sql) => client.query(sql),
    query: async <T>(sql: string) => ({ rows: (await client.query(sql)).rows as T[] }),
  };
}

/** How many asks without a statement in flight before the setup's timers may fire again (see `busy`). */
const quietAsksBeforeTimers = 50;

// The setup's statements run at once on the first session, at the setup machine's fixed time.
function directDatabase(client: pg.Client, clockMs: number): DirectDatabase {
  let inFlight = 0;
  // Asked every few host turns while the setup waits: after a statement's answer, the caller's code takes
  // several turns to send the next one (its promise chains cross the sandbox), and a timer fired meanwhile
  // would make a pool's acquire time out on a clock that jumped for nothing.
  let quietAsks = 0;
  const counted = <A extends unknown[], R>(work: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      inFlight++;
      try {
        return await work(...args);
      } finally {
        inFlight--;
        quietAsks = 0;
      }
    };
  const database = uncountedDirectDatabase(client, clockMs);
  const pg = database.pg as PgBackend;
  return {
    query: counted(database.query) as DirectDatabase['query'],
    exec: counted(database.exec),
    transaction: counted(database.transaction) as DirectDatabase['transaction'],
    pg: { ...pg, query: counted(pg.query) },
    busy: () => inFlight > 0 || ++quietAsks < quietAsksBeforeTimers,
  };
}

function uncountedDirectDatabase(client: pg.Client, clockMs: number): DirectDatabase {
  const clock = `SET rtcsim.now_us = '${Math.round(clockMs * 1000)}'`;
  const query = async <T,>(text: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }) => {
    await client.query(clock);
    return pgliteResults<T>(await client.query({ text: routeTimeKeywords(text), values: params as unknown[], ...(options?.rowMode === 'array' ? { rowMode: 'array' } : {}) }));
  };
  const exec = async (sql: string) => {
    await client.query(clock);
    return scriptResults(await client.query(routeTimeKeywords(sql)) as unknown as pg.QueryResult | pg.QueryResult[]);
  };
  const pg: PgBackend = {
    query: async (statement) => {
      await client.query(clock);
      const { text, values, rowMode, types } = statement;
      return client.query({ text: routeTimeKeywords(text), ...(values === undefined ? {} : { values: hostParams(values) }), ...(rowMode === 'array' ? { rowMode } : {}), ...(types === undefined ? {} : { types }) } as never);
    },
    lease: () => ({ name: 'setup' }),
    release: () => undefined,
  };
  return {
    pg,
    query: query as DirectDatabase['query'],
    exec,
    transaction: async (fn) => {
      await client.query('BEGIN');
      let closed = false;
      const transaction = { query, exec, rollback: async () => { await client.query('ROLLBACK'); closed = true; }, get closed() { return closed; } };
      try {
        const value = await fn(transaction as unknown as Parameters<typeof fn>[0]);
        if (!closed) await client.query('COMMIT');
        return value;
      } catch (error) {
        if (!closed) await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}

let shared: Promise<PostgresEngine> | undefined;

/** The process's one real-Postgres engine, started at the first call. */
export function sharedPostgresEngine(): Promise<PostgresEngine> {
  shared ??= keepingAlive(() => PostgresEngine.start());
  return shared;
}
