import type { OpenTransaction, SimulatedDatabase } from './database.ts';

// The handle's types are spelled out here rather than imported from the engine's package, so that a user's
// compiler reading rtc-sim's declarations never reads the engine's (PGlite's fail under skipLibCheck: false).
/** The per-query options a handle passes on: PGlite's `QueryOptions` subset that ORMs use. */
export interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: { [pgType: number]: (value: string) => unknown };
  serializers?: { [pgType: number]: (value: unknown) => string };
  paramTypes?: number[];
}

/** A statement's result, PGlite's `Results` shape (rows as objects, or arrays under `rowMode: 'array'`). */
export interface Results<T = Record<string, unknown>> {
  rows: T[];
  affectedRows?: number;
  rowCount?: number;
  command?: string;
  fields: { name: string; dataTypeID: number }[];
}

/**
 * The PGlite/`pg` shape the backend gets as `env.db`: what knex-pglite (`query`, `waitReady`, `close`),
 * Kysely's PGlite dialect (`query`, BEGIN/COMMIT as statements) and Drizzle's pglite driver (`query` with
 * `rowMode`, `transaction`) call on a PGlite instance.
 */
export interface DatabaseHandle {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  /** Runs `fn` in a transaction that holds the engine (see the isolation note on `SimulatedDatabase`). */
  transaction<T>(fn: (transaction: TransactionHandle) => Promise<T>): Promise<T>;
  readonly waitReady: Promise<void>;
  readonly ready: boolean;
  readonly closed: boolean;
  /** A no-op: the engine is shared by every run of the process and outlives the backend. */
  close(): Promise<void>;
}

/** PGlite's `Transaction` shape. */
export interface TransactionHandle {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  /** Rolls back now; the transaction then ends without COMMIT when `fn` returns. */
  rollback(): Promise<void>;
  readonly closed: boolean;
}

/**
 * @internal
 * The handle of `database` for `caller`: a name, or a function that names the caller of each statement as it
 * is issued (a backend attributes statements to the request being served).
 */
export function handleFor(database: SimulatedDatabase, caller: string | (() => string)): DatabaseHandle {
  const engine = database.engine;
  const name = typeof caller === 'string' ? () => caller : caller;
  return {
    query: (text, params, options) => database.submit(name(), text, undefined, (machine) => engine.query(machine, text, hostParams(params), options)),
    exec: (sql, options) => database.submit(name(), sql, undefined, (machine) => engine.exec(machine, sql, options)),
    transaction: (fn) => runTransaction(database, name(), fn),
    waitReady: Promise.resolve(),
    ready: true,
    closed: false,
    close: () => Promise.resolve(),
  };
}

async function runTransaction<T>(database: SimulatedDatabase, caller: string, fn: (transaction: TransactionHandle) => Promise<T>): Promise<T> {
  const open = database.openTransaction(caller);
  const control = (text: 'BEGIN' | 'COMMIT' | 'ROLLBACK') =>
    database.submit(caller, text, open, (machine) => database.engine.exec(machine, text), text === 'BEGIN' ? 'begins' : 'ends');
  await control('BEGIN');
  let value: T;
  try {
    value = await fn(transactionHandle(database, open));
  } catch (error) {
    if (open.ended === undefined) await control('ROLLBACK');
    throw error;
  }
  // Ended already: by the caller's own rollback() (PGlite then skips the COMMIT), or by the idle timeout.
  if (open.ended?.kind === 'timed-out') throw open.ended.error;
  if (open.ended !== undefined) return value;
  await control('COMMIT');
  return value;
}

function transactionHandle(database: SimulatedDatabase, open: OpenTransaction): TransactionHandle {
  const engine = database.engine;
  return {
    query: (text, params, options) => database.submit(open.caller, text, open, (machine) => engine.query(machine, text, hostParams(params), options)),
    exec: (sql, options) => database.submit(open.caller, sql, open, (machine) => engine.exec(machine, sql, options)),
    rollback: async () => {
      await database.submit(open.caller, 'ROLLBACK', open, (machine) => engine.exec(machine, 'ROLLBACK'), 'ends');
    },
    get closed() {
      return open.ended !== undefined;
    },
  };
}

/**
 * Parameters as the engine's serializer recognises them. A backend runs in a sandbox of its own, so the
 * `Date` and `Uint8Array` it passes are the sandbox's, which fail the engine's `instanceof` checks ("Invalid
 * input for date type"): they are copied into the host's. Everything else is passed as it is.
 */
export function hostParams(params: unknown[] | undefined): unknown[] | undefined {
  if (params === undefined) return undefined;
  return params.map(hostValue);
}

function hostValue(value: unknown): unknown {
  if (value instanceof Date || value instanceof Uint8Array) return value;
  // The tag names a Date or a Uint8Array of any realm (a primitive's or null's tag names neither).
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Date]') return new Date((value as Date).getTime());
  if (tag === '[object Uint8Array]') return new Uint8Array(value as Uint8Array);
  if (Array.isArray(value)) return value.map(hostValue);
  return value;
}
