import type { Results } from '@electric-sql/pglite';
import type { HostOutcome } from '../kernel/host-work.ts';
import type { RandomStream } from '../kernel/random.ts';
import type { DatabaseEngine } from './engine.ts';
import { handleFor, type DatabaseHandle } from './handles.ts';
import type { DatabaseMachine } from './machine.ts';
import {
  DatabaseComponentError,
  idleTransactionTimeoutCode,
  type DatabaseWaiting,
  type StatementOutcome,
  type StatementRecord,
} from './records.ts';
import type { DatabaseScheduler, ScheduledEvent } from './scheduling.ts';

/** What a run's database is made of. */
export interface SimulatedDatabaseOptions {
  /** The process's engine (`sharedEngine()`), already given a fresh database for this run (`freshRun`). */
  readonly engine: DatabaseEngine;
  /** The backend machine: SQL clock and random device. */
  readonly machine: DatabaseMachine;
  readonly scheduler: DatabaseScheduler;
  /** Each statement's latency, drawn uniformly in [minMs, maxMs] from `stream` when it is issued. */
  readonly latency: { readonly stream: RandomStream; readonly minMs: number; readonly maxMs: number };
  /**
   * Postgres's `idle_in_transaction_session_timeout`: a transaction idle this long (no statement in flight)
   * is rolled back and ends with SQLSTATE 25P03, and the engine goes to whoever waits. Bounds a
   * `transaction(fn)` whose `fn` never settles. Default 60,000 ms.
   */
  readonly transactionIdleTimeoutMs?: number;
  /** Sees every statement's outcome (for the trace). */
  readonly onStatement?: (record: StatementRecord) => void;
}

/** The engine's holder: a `transaction(fn)`, or a caller that sent `BEGIN` itself (knex, Kysely). */
export interface Holder {
  readonly name: string;
  readonly caller: string;
  /** True for `transaction(fn)`; false for a BEGIN sent as a statement. */
  readonly explicit: boolean;
  /** The idle-in-transaction timeout, armed whenever the holder has no statement in flight. */
  idleTimer: ScheduledEvent | undefined;
}

/** A statement on its way to the engine. */
interface Pending {
  readonly key: string;
  readonly caller: string;
  readonly text: string;
  /** The transaction the statement belongs to (it may use the engine while that transaction holds it). */
  readonly owner: OpenTransaction | undefined;
  /** Set for BEGIN (takes the engine) and COMMIT/ROLLBACK (gives it back) of a `transaction(fn)`. */
  readonly control: 'begins' | 'ends' | undefined;
  readonly execute: (machine: DatabaseMachine) => Promise<unknown>;
  readonly settle: (outcome: HostOutcome<unknown>) => void;
  resumptions: number;
}

/** A `transaction(fn)` in progress. */
export class OpenTransaction implements Holder {
  readonly explicit = true;
  /** Set once the transaction is over: COMMIT or ROLLBACK ran, or the idle timeout rolled it back. */
  ended: { readonly kind: 'finished' } | { readonly kind: 'timed-out'; readonly error: DatabaseComponentError } | undefined;
  idleTimer: ScheduledEvent | undefined;
  constructor(
    readonly name: string,
    readonly caller: string,
  ) {}
}

/**
 * The embedded SQL database as a simulated component. Every statement is its own scheduled event, so two
 * callers interleave between statements exactly where production can; results, constraint errors,
 * `ON CONFLICT` and `RETURNING` are the engine's own.
 *
 * Isolation. The engine has one session. Statements outside a transaction (autocommit) may be reordered
 * freely by the scheduler, like statements from a pool of connections reaching the server. A transaction
 * holds the engine from its BEGIN to its COMMIT or ROLLBACK: other callers' statements that reach the engine
 * meanwhile wait (outcome `waiting`) and are rescheduled when it ends. So transactions run one at a time —
 * serial, stronger than Postgres's default READ COMMITTED, where two transactions' statements interleave
 * and a check-then-insert inside two concurrent transactions races just as it does without one. Races
 * between autocommit statements, and between a transaction and autocommit statements before or after it,
 * are found; races between the inner statements of two transactions are not.
 */
export class SimulatedDatabase {
  private holder: Holder | undefined;
  private readonly waiting: Pending[] = [];
  private readonly counters = new Map<string, number>();
  /** Callers whose own BEGIN was ended by the idle timeout: their next statement fails, as on a closed session. */
  private readonly terminated = new Set<string>();
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: SimulatedDatabaseOptions) {
    this.idleTimeoutMs = options.transactionIdleTimeoutMs ?? 60_000;
  }

  /** The engine the statements run on. */
  get engine(): DatabaseEngine {
    return this.options.engine;
  }

  /** A PGlite-shaped handle whose statements are attributed to `caller` (a request, a test actor). */
  handle(caller: string): DatabaseHandle {
    return handleFor(this, caller);
  }

  /** What is still pending in the database: the open transaction and the statements waiting for it. */
  pending(): DatabaseWaiting[] {
    const holder = this.holder;
    if (holder === undefined) return [];
    return [
      { kind: 'transaction-open', transaction: holder.name, caller: holder.caller },
      ...this.waiting.map((pending) => ({ kind: 'waiting-for-transaction' as const, key: pending.key, caller: pending.caller, holder: holder.name })),
    ];
  }

  /** Issues one statement (or script) as its own event; resolves or rejects with the engine's answer. */
  submit<T>(caller: string, text: string, owner: OpenTransaction | undefined, execute: (machine: DatabaseMachine) => Promise<T>, control?: Pending['control']): Promise<T> {
    if (owner?.ended !== undefined) return Promise.reject(owner.ended.kind === 'timed-out' ? owner.ended.error : new DatabaseComponentError('Transaction is closed', undefined));
    if (this.terminated.delete(caller)) return Promise.reject(idleTimeoutError());
    return new Promise<T>((resolve, reject) => {
      owner?.idleTimer?.cancel();
      if (owner === undefined && this.holder?.explicit === false && this.holder.caller === caller) {
        // Stryker disable next-line OptionalChaining: a holder that began with a statement is armed the moment it is made
        this.holder.idleTimer?.cancel();
      }
      const pending: Pending = {
        key: this.nextKey('sql', caller),
        caller,
        text,
        owner,
        control,
        execute,
        settle: (outcome) => (outcome.ok ? resolve(outcome.value as T) : reject(outcome.error)),
        resumptions: 0,
      };
      const { stream, minMs, maxMs } = this.options.latency;
      this.schedule(pending, stream.integer(minMs, maxMs));
    });
  }

  /** A backend process crashed. Nothing to do here: PGlite has one session, and an open transaction ends by its idle timeout. */
  disconnect(_origin: string): void {}

  /** Opens a transaction for `caller`; its BEGIN is submitted by the handle. */
  openTransaction(caller: string): OpenTransaction {
    return new OpenTransaction(this.nextKey('tx', caller), caller);
  }

  private schedule(pending: Pending, delayMs: number): void {
    let value: unknown;
    let waitedFor: Holder | undefined;
    this.options.scheduler.schedule({
      key: pending.resumptions === 0 ? pending.key : `${pending.key}+${pending.resumptions}`,
      actor: `sql:${pending.caller}`,
      resources: ['database'],
      delayMs,
      timing: 'async',
      start: async () => {
        waitedFor = this.blocker(pending);
        if (waitedFor !== undefined) return;
        if (pending.control === 'begins') this.holder = pending.owner;
        value = await pending.execute(this.options.machine);
      },
      finish: (outcome) => {
        if (waitedFor !== undefined) {
          this.waiting.push(pending);
          this.record(pending, { kind: 'waiting', holder: waitedFor.name });
          return;
        }
        this.record(pending, outcome.ok ? done(value) : failed(outcome.error));
        this.afterStatement(pending, outcome.ok);
        pending.settle(outcome.ok ? { ok: true, value } : outcome);
      },
    });
  }

  // Who holds the engine against this statement, if anyone.
  private blocker(pending: Pending): Holder | undefined {
    const holder = this.holder;
    if (holder === undefined || holder === pending.owner) return undefined;
    if (!holder.explicit && holder.caller === pending.caller && pending.owner === undefined) return undefined;
    return holder;
  }

  private afterStatement(pending: Pending, succeeded: boolean): void {
    const owner = pending.owner;
    if (owner !== undefined) {
      if (pending.control === 'ends' || (pending.control === 'begins' && !succeeded)) {
        // Stryker disable next-line ObjectLiteral,StringLiteral: only a timed-out end is told apart from the others
        owner.ended ??= { kind: 'finished' };
        this.release(owner);
      } else if (owner.ended === undefined) {
        // A statement that ran after its transaction ended (sent without awaiting, before a rollback()) arms
        // nothing: the timer would roll back whichever transaction holds the engine when it fires.
        this.armIdleTimer(owner);
      }
      return;
    }
    // A caller that sent BEGIN itself holds the engine until its own statement leaves the transaction block.
    const inTransaction = this.options.engine.isInTransaction();
    if (inTransaction && this.holder === undefined) this.holder = { name: `tx:${pending.key}`, caller: pending.caller, explicit: false, idleTimer: undefined };
    if (this.holder === undefined || this.holder.explicit) return;
    if (inTransaction) this.armIdleTimer(this.holder);
    else this.release(this.holder);
  }

  private armIdleTimer(holder: Holder): void {
    holder.idleTimer?.cancel();
    holder.idleTimer = this.options.scheduler.schedule({
      key: `sql-timeout:${holder.name}`,
      actor: `sql:${holder.caller}`,
      resources: ['database'],
      delayMs: this.idleTimeoutMs,
      timing: 'timer',
      start: async () => {
        if (this.options.engine.isInTransaction()) await this.options.engine.exec(this.options.machine, 'ROLLBACK');
      },
      finish: () => {
        if (holder instanceof OpenTransaction) holder.ended = { kind: 'timed-out', error: idleTimeoutError() };
        else this.terminated.add(holder.caller);
        this.options.onStatement?.({ key: `sql-timeout:${holder.name}`, caller: holder.caller, text: 'ROLLBACK', outcome: { kind: 'transaction-timeout', idleMs: this.idleTimeoutMs } });
        this.release(holder);
      },
    });
  }

  private release(holder: Holder): void {
    holder.idleTimer?.cancel();
    if (this.holder !== holder) return;
    this.holder = undefined;
    for (const pending of this.waiting.splice(0)) {
      pending.resumptions++;
      this.schedule(pending, 0);
    }
  }

  private record(pending: Pending, outcome: StatementOutcome): void {
    this.options.onStatement?.({ key: pending.key, caller: pending.caller, text: pending.text, outcome });
  }

  private nextKey(prefix: string, caller: string): string {
    const counterName = `${prefix}:${caller}`;
    const next = (this.counters.get(counterName) ?? 0) + 1;
    this.counters.set(counterName, next);
    return `${counterName}#${next}`;
  }
}

// Postgres ends the session; here the transaction is rolled back and the caller's next use fails once.
function idleTimeoutError(): DatabaseComponentError {
  return new DatabaseComponentError('terminating connection due to idle-in-transaction timeout', idleTransactionTimeoutCode);
}

function done(value: unknown): StatementOutcome {
  const results = (Array.isArray(value) ? value : [value]) as Results[];
  let rowCount = 0;
  let affectedRows = 0;
  for (const result of results) {
    rowCount += result.rows.length;
    // PGlite's affectedRows is a running total over a script's statements: the last result's is the script's.
    affectedRows = result.affectedRows ?? affectedRows;
  }
  return { kind: 'done', rowCount, affectedRows };
}

function failed(error: unknown): StatementOutcome {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return { kind: 'failed', code: typeof code === 'string' ? code : undefined, message: String(message) };
}
