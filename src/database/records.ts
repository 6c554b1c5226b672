/** What happened to one statement (or to a transaction), for the trace and the reports. */
export interface StatementRecord {
  /** The event's key (`sql:r1#2`; `+1` appended when a waiting statement was rescheduled). */
  readonly key: string;
  /** Who issued it: the name the handle was made with (a request, a setup, a test's caller). */
  readonly caller: string;
  readonly text: string;
  readonly outcome: StatementOutcome;
}

/** How a statement ended; `waiting` is not an end: it runs again when the transaction holding the engine ends. */
export type StatementOutcome =
  | { readonly kind: 'done'; readonly rowCount: number; readonly affectedRows: number }
  | { readonly kind: 'failed'; readonly code: string | undefined; readonly message: string }
  | { readonly kind: 'waiting'; readonly holder: string }
  | { readonly kind: 'transaction-timeout'; readonly idleMs: number };

/** Why something is still pending in the database when a run ends (for the liveness report). */
export type DatabaseWaiting =
  | { readonly kind: 'transaction-open'; readonly transaction: string; readonly caller: string }
  | { readonly kind: 'waiting-for-transaction'; readonly key: string; readonly caller: string; readonly holder: string };

/** The SQLSTATE Postgres gives a session ended by `idle_in_transaction_session_timeout`. */
export const idleTransactionTimeoutCode = '25P03';

/** An error shaped like the engine's own (`code`, `message`), for failures the component itself decides. */
export class DatabaseComponentError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}
