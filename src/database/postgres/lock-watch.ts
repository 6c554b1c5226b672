import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { lockCheckLogged, lockChecksLogged } from './server.ts';

/**
 * Once a statement is seen waiting for a lock, the run goes on only when the waiting session's one deadlock
 * check has run (and found no cycle) — the server logs it (log_lock_waits, deadlock_timeout 1 ms, server.ts) —
 * so that a cycle is always found by the check of the session that closed it, the latest to block, and that
 * session is the victim, every time (the rule PostgreSQL's isolation tester relies on too). Waiting for the
 * log line replaced a fixed 60 ms sleep per blocked statement per step; this bounds the wait for it.
 */
export const deadlockCheckRealMsMax = 2_000;
/** How long a statement may take before the server is asked whether it waits for a lock (a blocked one pays it). */
const firstAskMs = 4;
/** A statement neither done nor waiting for a lock after this much real time is cancelled (SQLSTATE 57014). */
export const statementRealMsMax = 20_000;

/** Where a statement in flight stands: finished (its promise has settled), or waiting for a lock. */
export type Standing = 'settled' | 'blocked';

/** A statement in flight on a session, and whether its promise has settled yet. */
export interface InFlight {
  readonly pid: number;
  readonly promise: Promise<unknown>;
  settled: boolean;
  /** The session's deadlock checks logged before this wait's (see `standing`). */
  checksBefore: number;
  /** Who it was last seen waiting for: a new holder is a new wait, with a deadlock check of its own. */
  holders: string | undefined;
}

/** Starts tracking `promise` as the statement in flight on the session `pid`. */
export function inFlight(pid: number, promise: Promise<unknown>): InFlight {
  const tracked: InFlight = { pid, promise, settled: false, checksBefore: lockChecksLogged(pid), holders: undefined };
  promise.then(
    () => (tracked.settled = true),
    () => (tracked.settled = true),
  );
  return tracked;
}

/**
 * Waits until the statement settles or waits for a lock held by one of `pids` (PostgreSQL's
 * `pg_isolation_test_session_is_blocked`, asked on the control session). A newly blocked statement is given
 * `deadlockSettleMs` (see above) and looked at once more: a deadlock victim has failed by then.
 */
export async function standing(control: pg.Client, statement: InFlight, pids: readonly number[], settleDeadlock: boolean): Promise<Standing> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    // Most statements answer within a few ms: the server is asked whether one is blocked only after that.
    await Promise.race([statement.promise.catch(() => undefined), delay(attempt === 0 ? firstAskMs : 1, undefined, { ref: false })]);
    if (statement.settled) return 'settled';
    const blocked = await control.query<{ blocked: boolean }>('SELECT pg_isolation_test_session_is_blocked($1, $2) AS blocked', [statement.pid, pids]);
    if (statement.settled) return 'settled';
    if (blocked.rows[0]?.blocked === true) {
      if (!settleDeadlock) return 'blocked';
      await deadlockChecked(control, statement);
      return statement.settled ? 'settled' : 'blocked';
    }
    if (performance.now() - started > statementRealMsMax) {
      await control.query('SELECT pg_cancel_backend($1)', [statement.pid]);
      await statement.promise.catch(() => undefined);
      return 'settled';
    }
  }
}

// Waits for the deadlock check of the statement's current wait: at once when it is the wait already seen
// (the same holders, its check logged), else until the server logs one more check for the session.
async function deadlockChecked(control: pg.Client, statement: InFlight): Promise<void> {
  const found = await control.query<{ pids: number[] }>('SELECT pg_blocking_pids($1) AS pids', [statement.pid]);
  const holders = [...(found.rows[0]?.pids ?? [])].sort((left, right) => left - right).join(',');
  if (holders === statement.holders) return;
  statement.holders = holders;
  await Promise.race([statement.promise.catch(() => undefined), lockCheckLogged(statement.pid, statement.checksBefore, deadlockCheckRealMsMax)]);
  statement.checksBefore = lockChecksLogged(statement.pid);
}
