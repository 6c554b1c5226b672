import type { Results } from '@electric-sql/pglite';
import { hostParams, type DatabaseHandle, type TransactionHandle } from '../handles.ts';
import type { RunTransaction, SessionDatabase } from './sessions.ts';

/**
 * `env.db` on the real server, with PGlite's shape (what knex-pglite, Kysely's and Drizzle's PGlite drivers
 * call): a pool of sessions behind it, `transaction(fn)` on one session of its own for its whole length.
 */
export function sessionHandle(database: SessionDatabase, caller: () => string): DatabaseHandle {
  return {
    query: (text, params, options) => database.submit(caller(), text, hostParams(params), { script: false, rowMode: options?.rowMode === 'array' ? 'array' : undefined }) as Promise<Results<never>>,
    exec: (sql) => database.submit(caller(), sql, undefined, { script: true }) as Promise<Results[]>,
    transaction: (fn) => runTransaction(database, caller(), fn),
    waitReady: Promise.resolve(),
    ready: true,
    closed: false,
    close: () => Promise.resolve(),
  };
}

async function runTransaction<T>(database: SessionDatabase, caller: string, fn: (transaction: TransactionHandle) => Promise<T>): Promise<T> {
  const open = database.openTransaction(caller);
  const control = (text: 'BEGIN' | 'COMMIT' | 'ROLLBACK') => database.submit(caller, text, undefined, { script: true }, open);
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
  return {
    query: (text, params, options) => database.submit(open.caller, text, hostParams(params), { script: false, rowMode: options?.rowMode === 'array' ? 'array' : undefined }, open) as Promise<Results<never>>,
    exec: (sql) => database.submit(open.caller, sql, undefined, { script: true }, open) as Promise<Results[]>,
    rollback: async () => {
      await database.submit(open.caller, 'ROLLBACK', undefined, { script: true }, open);
    },
    get closed() {
      return open.ended;
    },
  };
}
