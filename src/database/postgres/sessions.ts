import type { HostOutcome } from '../../kernel/host-work.ts';
import type { RandomStream } from '../../kernel/random.ts';
import type { DatabaseMachine } from '../machine.ts';
import type { StatementOutcome, StatementRecord } from '../records.ts';
import type { DatabaseScheduler } from '../scheduling.ts';
import { routeTimeKeywords } from './clock-sql.ts';
import type { PostgresEngine, Session } from './engine.ts';
import { inFlight, standing, type InFlight } from './lock-watch.ts';
import { outcomeOf, readyForQuery, recorded, type StatementShape } from './answers.ts';
import { keepingAlive } from './server.ts';

/** What a run's real-Postgres database is made of. */
export interface SessionDatabaseOptions {
  readonly engine: PostgresEngine;
  /** Every session of the engine: connections the backend makes itself (`new pg.Client`, knex's pool) may use any. */
  readonly sessions: readonly Session[];
  /** The run's pool — `env.db`, `pg.Pool` — is the first this many: its size is drawn in the swarm. */
  readonly poolSize: number;
  readonly machine: DatabaseMachine;
  readonly scheduler: DatabaseScheduler;
  readonly latency: { readonly stream: RandomStream; readonly minMs: number; readonly maxMs: number };
  readonly onStatement?: (record: StatementRecord) => void;
}

/**
 * A hold on one session: a `transaction(fn)` (from its BEGIN to its COMMIT or ROLLBACK), or a connection a
 * caller checked out of the pool (`pool.connect()`, a `pg.Client`: until it is released).
 */
export interface RunTransaction {
  readonly name: string;
  readonly caller: string;
  readonly kind: 'transaction' | 'connection';
  /** `pool`: one of the pool's sessions; `any`: a connection the backend opened itself, on any session. */
  readonly scope: 'pool' | 'any';
  /** The backend process that opened it. */
  readonly origin: string;
  session: Session | undefined;
  ended: boolean;
}

/** One statement of the run, from its issue to its answer. */
interface Statement {
  readonly key: string;
  readonly caller: string;
  readonly text: string;
  readonly values: unknown[] | undefined;
  readonly shape: StatementShape;
  readonly transaction: RunTransaction | undefined;
  /** The backend process (one start of one instance) that issued it: its crash ends the statement with it. */
  readonly origin: string;
  readonly settle: (outcome: HostOutcome<unknown>) => void;
  resumptions: number;
}

/** What one statement's event found: its own standing, and the waiters its step let through. */
interface Step {
  readonly own: { readonly kind: 'no-session' } | { readonly kind: 'dropped' } | { readonly kind: 'blocked'; readonly session: Session; readonly holders: readonly string[] } | { readonly kind: 'settled'; readonly outcome: HostOutcome<unknown> };
  readonly released: readonly { readonly statement: Statement; readonly outcome: HostOutcome<unknown> }[];
}

/**
 * The run's database on a real PostgreSQL server: a pool of sessions at READ COMMITTED (the server's default),
 * so two transactions interleave statement by statement as in production. Every statement is one event,
 * issued alone: when its event runs it is sent on its session, and the event ends when the statement has
 * finished or is waiting for a lock another session holds (then its caller waits, and its session with it,
 * until a later step — the holder's COMMIT or ROLLBACK, a deadlock victim's failure — lets it through; the
 * waiters are looked at after every step, in session order). Deadlocks are broken by the server, its victim
 * made deterministic (lock-watch.ts); 40001, 40P01 and 23505 reach the caller as the server sends them.
 *
 * Sessions: a `transaction(fn)` takes a free session at BEGIN and keeps it until it ends; a caller that sends
 * BEGIN itself keeps its session until its transaction block ends; any other statement takes the free
 * session with the lowest number. With none free, a statement waits for one, as on a production pool.
 */
export class SessionDatabase {
  private readonly counters = new Map<string, number>();
  /** Who holds each session across statements: a transaction's name or `caller:<name>`. */
  private readonly holders = new Map<Session, string>();
  /** Statements waiting for a lock, by session. */
  private readonly blocked = new Map<Session, { readonly statement: Statement; readonly flight: InFlight }>();
  private readonly waitingForSession: Statement[] = [];
  /** Every transaction and checked-out connection of the run, ended or not (a crash ends them all). */
  private readonly leases: RunTransaction[] = [];
  /** Backend processes that crashed: their statements are never sent, their sessions rolled back. */
  private readonly deadOrigins = new Set<string>();
  /** Which process holds each held session. */
  private readonly holderOrigins = new Map<Session, string>();
  private disconnects = 0;
  private readonly pids: number[];

  constructor(private readonly options: SessionDatabaseOptions) {
    this.pids = options.sessions.map((session) => session.pid);
  }

  /** How many sessions the run's pool has. */
  get poolSize(): number {
    return this.options.poolSize;
  }

  /** Issues one statement (or a script) as its own event; resolves with PGlite-shaped results. */
  submit(caller: string, text: string, values: unknown[] | undefined, shape: StatementShape, from: { readonly origin: string; readonly transaction?: RunTransaction | undefined }): Promise<unknown> {
    const transaction = from.transaction;
    if (transaction?.ended === true && transaction.kind === 'connection') return Promise.reject(new Error('Client was released: a released connection cannot be used'));
    return new Promise((resolve, reject) => {
      const statement: Statement = {
        key: this.nextKey('sql', caller),
        caller,
        text,
        values,
        shape,
        transaction,
        origin: from.origin,
        settle: (outcome) => (outcome.ok ? resolve(outcome.value) : reject(outcome.error)),
        resumptions: 0,
      };
      const { stream, minMs, maxMs } = this.options.latency;
      this.schedule(statement, stream.integer(minMs, maxMs));
    });
  }

  /** Opens a transaction for `caller`; its BEGIN is the first statement submitted with it. */
  openTransaction(caller: string, origin: string): RunTransaction {
    return this.lease({ name: this.nextKey('tx', caller), caller, kind: 'transaction', scope: 'pool', origin, session: undefined, ended: false });
  }

  /** Checks a connection out of the pool for `caller`: its session is taken at its first statement. */
  checkOut(caller: string, scope: RunTransaction['scope'], origin: string): RunTransaction {
    return this.lease({ name: this.nextKey('connection', caller), caller, kind: 'connection', scope, origin, session: undefined, ended: false });
  }

  private lease(lease: RunTransaction): RunTransaction {
    this.leases.push(lease);
    return lease;
  }

  /**
   * The backend process crashed: its connections are gone, as when a process dies and the server sees its
   * sockets close. Every session it held is free again, and rolled back before its next statement; a statement
   * of the dead process still waiting for a lock frees its session when it goes through.
   */
  disconnect(origin: string): void {
    this.deadOrigins.add(origin);
    for (const [session, holder] of this.holderOrigins) {
      if (holder !== origin) continue;
      session.dropped = true;
      this.holders.delete(session);
      this.holderOrigins.delete(session);
    }
    for (const lease of this.leases) if (lease.origin === origin) lease.ended = true;
    const waiting = this.waitingForSession.splice(0).filter((statement) => statement.origin !== origin);
    this.waitingForSession.push(...waiting);
    let released: { statement: Statement; outcome: HostOutcome<unknown> }[] = [];
    // The server notices the closed connections at once: one event rolls their transactions back, and lets
    // through whoever waited for their locks.
    this.options.scheduler.schedule({
      key: `sql-disconnect#${++this.disconnects}`,
      actor: 'sql:backend',
      resources: ['database'],
      delayMs: 0,
      timing: 'async',
      start: () =>
        keepingAlive(async () => {
          released = await this.rollBackDropped();
        }),
      finish: () => {
        for (const { statement, outcome } of released) {
          this.record(statement, recorded(outcome));
          if (!this.deadOrigins.has(statement.origin)) statement.settle(outcome);
        }
        this.resumeWaitingForSession();
      },
    });
  }

  // Rolls back every dropped session (cancelling the dead process's statement still waiting on one), then
  // looks at the waiters.
  private async rollBackDropped(): Promise<{ statement: Statement; outcome: HostOutcome<unknown> }[]> {
    for (const session of this.options.sessions) {
      const waiter = this.blocked.get(session);
      if (waiter !== undefined && this.deadOrigins.has(waiter.statement.origin)) {
        await this.options.engine.control.query('SELECT pg_cancel_backend($1)', [session.pid]);
        await waiter.flight.promise.catch(() => undefined);
        await readyForQuery(session);
        this.blocked.delete(session);
        session.dropped = true;
      }
      if (!session.dropped || this.blocked.has(session)) continue;
      await session.client.query('ROLLBACK').catch(() => undefined);
      session.dropped = false;
      session.clockSet = undefined;
    }
    return this.releasedWaiters(undefined);
  }

  /** Gives a checked-out connection back: its session is free again (as it is, even inside a transaction block, as pg's pool does). */
  checkIn(connection: RunTransaction): void {
    if (connection.ended) return;
    connection.ended = true;
    const session = connection.session;
    if (session !== undefined && this.holders.get(session) === connection.name) this.release(session);
    this.resumeWaitingForSession();
  }

  private schedule(statement: Statement, delayMs: number): void {
    let step: Step | undefined;
    this.options.scheduler.schedule({
      key: statement.resumptions === 0 ? statement.key : `${statement.key}+${statement.resumptions}`,
      actor: `sql:${statement.caller}`,
      resources: ['database'],
      delayMs,
      timing: 'async',
      start: async () => {
        step = await keepingAlive(() => this.run(statement));
      },
      finish: (outcome) => {
        if (!outcome.ok) throw outcome.error;
        if (step !== undefined) this.deliver(statement, step);
      },
    });
  }

  // The step: the statement sent and watched, then every waiter looked at.
  private async run(statement: Statement): Promise<Step> {
    if (this.deadOrigins.has(statement.origin)) return { own: { kind: 'dropped' }, released: [] };
    const session = this.sessionFor(statement);
    if (session === undefined) return { own: { kind: 'no-session' }, released: [] };
    if (statement.transaction !== undefined) statement.transaction.session = session;
    const flight = await this.send(session, statement);
    const own = await standing(this.options.engine.control, flight, this.pids, true);
    const released: { statement: Statement; outcome: HostOutcome<unknown> }[] = [];
    let ownOutcome: HostOutcome<unknown> | undefined;
    if (own === 'settled') {
      ownOutcome = await outcomeOf(flight, statement);
      await readyForQuery(session);
      this.afterStatement(session, statement);
    } else {
      this.blocked.set(session, { statement, flight });
    }
    released.push(...(await this.releasedWaiters(session)));
    if (ownOutcome !== undefined) return { own: { kind: 'settled', outcome: ownOutcome }, released };
    return { own: { kind: 'blocked', session, holders: await this.blockers(session) }, released };
  }

  // The statements waiting for a lock that the last step let through, in session order, with their outcomes.
  private async releasedWaiters(except: Session | undefined): Promise<{ statement: Statement; outcome: HostOutcome<unknown> }[]> {
    const released: { statement: Statement; outcome: HostOutcome<unknown> }[] = [];
    for (const other of this.options.sessions) {
      const waiter = this.blocked.get(other);
      if (waiter === undefined || other === except) continue;
      if ((await standing(this.options.engine.control, waiter.flight, this.pids, true)) === 'blocked') continue;
      this.blocked.delete(other);
      const outcome = await outcomeOf(waiter.flight, waiter.statement);
      await readyForQuery(other);
      this.afterStatement(other, waiter.statement);
      released.push({ statement: waiter.statement, outcome });
    }
    return released;
  }

  private deliver(statement: Statement, step: Step): void {
    const own = step.own;
    switch (own.kind) {
      case 'dropped':
        break;
      case 'no-session':
        this.waitingForSession.push(statement);
        this.record(statement, { kind: 'waiting', holder: 'a free session of the pool' });
        break;
      case 'blocked':
        this.record(statement, { kind: 'waiting', holder: `a lock held by ${own.holders.join(' and ')}` });
        break;
      case 'settled':
        this.record(statement, recorded(own.outcome));
        statement.settle(own.outcome);
        break;
    }
    for (const { statement: waiter, outcome } of step.released) {
      this.record(waiter, recorded(outcome));
      if (!this.deadOrigins.has(waiter.origin)) waiter.settle(outcome);
    }
    this.resumeWaitingForSession();
  }

  // Who holds what `session` waits for: the holding sessions' transactions (or callers), for the trace.
  private async blockers(session: Session): Promise<string[]> {
    const found = await this.options.engine.control.query<{ pids: number[] }>('SELECT pg_blocking_pids($1) AS pids', [session.pid]);
    const pids = [...(found.rows[0]?.pids ?? [])].sort((left, right) => left - right);
    const names = this.options.sessions
      .filter((other) => pids.includes(other.pid))
      .map((other) => `${this.holders.get(other)?.replace(/^caller:/, '') ?? this.blocked.get(other)?.statement.caller ?? 'an idle session'} (session ${other.index})`);
    return names.length > 0 ? names : ['another session'];
  }

  // A statement waiting for a session tries again once one it may use is free (each free session claimed once).
  private resumeWaitingForSession(): void {
    const claimed = new Set<Session>();
    const waiting = this.waitingForSession.splice(0);
    for (const statement of waiting) {
      const session = this.sessionFor(statement, claimed);
      if (session === undefined) {
        this.waitingForSession.push(statement);
        continue;
      }
      claimed.add(session);
      statement.resumptions++;
      this.schedule(statement, 0);
    }
  }

  private sessionFor(statement: Statement, claimed: ReadonlySet<Session> = new Set()): Session | undefined {
    const transaction = statement.transaction;
    if (transaction?.session !== undefined) return transaction.session;
    if (transaction === undefined) {
      for (const [session, holder] of this.holders) if (holder === `caller:${statement.caller}`) return session;
    }
    const candidates = transaction?.scope === 'any' ? this.options.sessions : this.options.sessions.slice(0, this.options.poolSize);
    return candidates.find((session) => this.isFree(session) && !claimed.has(session));
  }

  private hold(session: Session, holder: string, origin: string): void {
    this.holders.set(session, holder);
    this.holderOrigins.set(session, origin);
  }

  private release(session: Session): void {
    this.holders.delete(session);
    this.holderOrigins.delete(session);
  }

  private isFree(session: Session): boolean {
    return !this.holders.has(session) && !this.blocked.has(session);
  }

  // The session is held while its transaction block is open: by the transaction(fn), or by the caller itself.
  private afterStatement(session: Session, statement: Statement): void {
    const status = session.client.getTransactionStatus();
    if (this.deadOrigins.has(statement.origin)) {
      session.dropped = status !== 'I';
      this.release(session);
      return;
    }
    const transaction = statement.transaction;
    if (transaction?.kind === 'connection' || transaction?.ended === true) {
      if (!transaction.ended) this.hold(session, transaction.name, statement.origin);
      else if (this.holders.get(session) === transaction.name) this.release(session);
      return;
    }
    if (transaction !== undefined) {
      if (transaction.ended || (status === 'I' && !/^\s*begin/i.test(statement.text))) {
        transaction.ended = true;
        this.release(session);
      } else {
        this.hold(session, transaction.name, statement.origin);
      }
      return;
    }
    if (status === 'I') this.release(session);
    else this.hold(session, `caller:${statement.caller}`, statement.origin);
  }

  private async send(session: Session, statement: Statement): Promise<InFlight> {
    const client = session.client;
    if (session.dropped) {
      session.dropped = false;
      await client.query('ROLLBACK').catch(() => undefined);
      session.clockSet = undefined;
    }
    session.used = true;
    const clock = String(Math.round(this.options.machine.clockMs() * 1000));
    const seed = session.seedPending;
    const status = client.getTransactionStatus();
    if (seed !== undefined || (session.clockSet !== clock && status !== 'E' && !readsNoClock(statement.text))) {
      session.seedPending = undefined;
      // The run's seed rides with the session's first clock: the session is idle then, outside any block.
      // Not awaited: pg sends the statement below as soon as the server has answered this one (a turn of ours
      // saved per statement). It cannot fail: an aborted block, where it would, is not given one.
      void client.query(`${seed === undefined ? '' : `${seed}; `}SET rtcsim.now_us = '${clock}'`).catch(() => undefined);
      // A SET inside a transaction block is undone if it rolls back: then it must be set again.
      session.clockSet = status === 'I' ? clock : undefined;
    }
    const text = routeTimeKeywords(statement.text);
    const { script, rowMode, types } = statement.shape;
    const promise = script
      ? client.query(text)
      : client.query({ text, values: statement.values ?? [], ...(rowMode === 'array' ? { rowMode: 'array' } : {}), ...(types === undefined ? {} : { types }) } as never);
    return inFlight(session.pid, promise as Promise<unknown>);
  }

  private record(statement: Statement, outcome: StatementOutcome): void {
    this.options.onStatement?.({ key: statement.key, caller: statement.caller, text: statement.text, outcome });
  }

  private nextKey(prefix: string, caller: string): string {
    const counterName = `${prefix}:${caller}`;
    const next = (this.counters.get(counterName) ?? 0) + 1;
    this.counters.set(counterName, next);
    return `${counterName}#${next}`;
  }
}

/**
 * Transaction control evaluates no expression, so it needs no clock: one round trip saved for each BEGIN,
 * COMMIT and ROLLBACK (a deferred trigger that reads the clock at COMMIT reads the last statement's).
 */
function readsNoClock(text: string): boolean {
  return /^\s*(begin|start\s+transaction|commit|end|rollback|abort|savepoint|release)\b[^;]*;?\s*$/i.test(text);
}
