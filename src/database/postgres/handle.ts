import type { Results } from '@electric-sql/pglite';
import { hostParams, type DatabaseHandle, type TransactionHandle } from '../handles.ts';
import type { RunTransaction, SessionDatabase } from './sessions.ts';

/** Who is sending: the caller a statement is attributed to, and the backend process it comes from. */
export interface Sender {
  readonly caller: () => string;
  /** One start of one backend instance: when it crashes, its statements die with it. */
  readonly origin: () => string;
}

/**
 * `env.db` on the real server, with PGlite's shape (what knex-pglite, Kysely's and Drizzle's PGlite drivers
 * call): a pool of sessions behind it, `transaction(fn)` on one session of its own for its whole length.
 */
export function sessionHandle(database: SessionDatabase, sender: Sender): DatabaseHandle {
  const from = () => ({ origin: sender.origin() });
  return {
    query: (text, params, options) => database.submit(sender.caller(), text, hostParams(params), { script: false, rowMode: options?.rowMode === 'array' ? 'array' : undefined }, from()) as Promise<Results<never>>,
    exec: (sql) => database.submit(sender.caller(), sql, undefined, { script: true }, from()) as Promise<Results[]>,
    transaction: (fn) => runTransaction(database, sender.caller(), sender.origin(), fn),
    waitReady: Promise.resolve(),
    ready: true,
    closed: false,
    close: () => Promise.resolve(),
  };
}

async function runTransaction<T>(database: SessionDatabase, caller: string, origin: string, fn: (transaction: TransactionHandle) => Promise<T>): Promise<T> {
  const open = database.openTransaction(caller, origin);
  const control = (text: 'BEGIN' | 'COMMIT' | 'ROLLBACK') => database.submit(caller, text, undefined, { script: true }, { origin, transaction: open });
  await control('BEGIN');
  let value: T;
  try {
    value = await fn(transactionHandle(database, open));
  } catch (error) {
    if (!open.ended) await control('ROLLBACK');
    throw error;
  }
  if (open.ended) return value;
  await control('COMMIT');
  return value;
}

function transactionHandle(database: SessionDatabase, open: RunTransaction): TransactionHandle {
  const from = { origin: open.origin, transaction: open };
  return {
    query: (text, params, options) => database.submit(open.caller, text, hostParams(params), { script: false, rowMode: options?.rowMode === 'array' ? 'array' : undefined }, from) as Promise<Results<never>>,
    exec: (sql) => database.submit(open.caller, sql, undefined, { script: true }, from) as Promise<Results[]>,
    rollback: async () => {
      await database.submit(open.caller, 'ROLLBACK', undefined, { script: true }, from);
    },
    get closed() {
      return open.ended;
    },
  };
}
