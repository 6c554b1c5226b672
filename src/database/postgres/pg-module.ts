import pg from 'pg';

/** A statement as `pg` callers give it: text and values, and the config's `rowMode` and `types`. */
export interface PgStatement {
  readonly text: string;
  readonly values: unknown[] | undefined;
  readonly rowMode: 'array' | undefined;
  readonly types: unknown;
}

/** Where the simulated `pg` sends statements: the run's sessions (as events), or the setup's session (at once). */
export interface PgBackend {
  /** Runs one statement on any free session, or on `lease`'s session; resolves with pg's own result. */
  query(statement: PgStatement, lease: PgLease | undefined): Promise<unknown>;
  /** A connection of its own, holding one session until released: one of the pool's (`pool.connect()`), or any (`new Client()`). */
  lease(scope: 'pool' | 'any'): PgLease;
  release(lease: PgLease): void;
}

/** A checked-out connection: its session is taken at its first statement and kept until `release`. */
export interface PgLease {
  readonly name: string;
}

type Callback = (error: unknown, value?: unknown) => void;

/** The driver's own result: its rows parsed by pg's (or the caller's) type parsers. */
function statementOf(textOrConfig: unknown, values: unknown): PgStatement {
  if (typeof textOrConfig === 'string') return { text: textOrConfig, values: Array.isArray(values) ? values : undefined, rowMode: undefined, types: undefined };
  const config = (textOrConfig ?? {}) as { text?: unknown; values?: unknown; rowMode?: unknown; types?: unknown };
  const given = Array.isArray(values) ? values : Array.isArray(config.values) ? config.values : undefined;
  return { text: String(config.text), values: given, rowMode: config.rowMode === 'array' ? 'array' : undefined, types: config.types };
}

// pg's query(text | config, values?, callback?): a promise, or the callback called with its outcome.
function queryWith(backend: () => PgBackend, lease: () => PgLease | undefined, args: unknown[]): Promise<unknown> | undefined {
  const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as Callback) : undefined;
  const done = backend().query(statementOf(args[0], args[1]), lease());
  if (callback === undefined) return done;
  done.then((result) => callback(null, result), (error: unknown) => callback(error));
  return undefined;
}

/** Listeners kept and never called: the simulated connections do not fail on their own (no 'error', no 'notice'). */
class QuietEmitter {
  on(): this {
    return this;
  }
  once(): this {
    return this;
  }
  off(): this {
    return this;
  }
  removeListener(): this {
    return this;
  }
  removeAllListeners(): this {
    return this;
  }
  emit(): boolean {
    return false;
  }
}

/**
 * The `pg` package (node-postgres) as the backend's code sees it: `Pool`, `Client`, `types`, `DatabaseError`,
 * with every statement sent through `backend()` — the run's sessions, so each statement is an event. A `Pool`'s
 * `query` takes any free session; `pool.connect()` and a `Client` hold one session until `release()`/`end()`,
 * as a checked-out connection does. Connection options (a DATABASE_URL, PGHOST …) name the simulated database
 * whatever they say: there is one.
 */
export function simulatedPg(backend: () => PgBackend): Record<string, unknown> {
  class Client extends QuietEmitter {
    private leased: PgLease | undefined;
    readonly connectionParameters: unknown;
    /** A client made by `pool.connect()` is one of the pool's; one the code made itself may use any session. */
    private readonly scope: 'pool' | 'any';
    constructor(config?: unknown, scope: 'pool' | 'any' = 'any') {
      super();
      this.connectionParameters = config;
      this.scope = scope;
    }
    connect(callback?: Callback): Promise<void> | undefined {
      this.leased ??= backend().lease(this.scope);
      if (callback === undefined) return Promise.resolve();
      queueMicrotask(() => callback(null, this));
      return undefined;
    }
    query(...args: unknown[]): Promise<unknown> | undefined {
      this.leased ??= backend().lease(this.scope);
      return queryWith(backend, () => this.leased, args);
    }
    release(): void {
      if (this.leased !== undefined) backend().release(this.leased);
      this.leased = undefined;
    }
    end(callback?: Callback): Promise<void> | undefined {
      this.release();
      if (callback === undefined) return Promise.resolve();
      queueMicrotask(() => callback(null));
      return undefined;
    }
    escapeIdentifier(text: string): string {
      return pg.escapeIdentifier(text);
    }
    escapeLiteral(text: string): string {
      return pg.escapeLiteral(text);
    }
  }

  class Pool extends QuietEmitter {
    readonly options: unknown;
    totalCount = 0;
    idleCount = 0;
    waitingCount = 0;
    ended = false;
    constructor(options?: unknown) {
      super();
      this.options = options;
    }
    query(...args: unknown[]): Promise<unknown> | undefined {
      return queryWith(backend, () => undefined, args);
    }
    connect(callback?: (error: unknown, client?: Client, release?: () => void) => void): Promise<Client> | undefined {
      const client = new Client(this.options, 'pool');
      void client.connect();
      if (callback === undefined) return Promise.resolve(client);
      queueMicrotask(() => callback(null, client, () => client.release()));
      return undefined;
    }
    end(callback?: Callback): Promise<void> | undefined {
      this.ended = true;
      if (callback === undefined) return Promise.resolve();
      queueMicrotask(() => callback(null));
      return undefined;
    }
  }

  const module: Record<string, unknown> = {
    Client,
    Pool,
    types: pg.types,
    defaults: pg.defaults,
    DatabaseError: pg.DatabaseError,
    escapeIdentifier: pg.escapeIdentifier,
    escapeLiteral: pg.escapeLiteral,
    Query: pg.Query,
    native: null,
  };
  module['default'] = module;
  return module;
}

/** Where statements go before a run has a database (the loader's probe): nowhere; a statement there is refused. */
export const unconnected: PgBackend = {
  query: () => Promise.reject(new Error('rtc-sim: a statement was sent while the backend module loaded: send statements from setup(env) or createBackend(env)')),
  lease: () => ({ name: 'unconnected' }),
  release: () => undefined,
};

/** The environment variables that name the simulated database, as a managed Postgres's would. */
export function databaseEnvironment(): Record<string, string> {
  return {
    DATABASE_URL: 'postgres://app:app@database.rtc-sim.internal:5432/app',
    PGHOST: 'database.rtc-sim.internal',
    PGPORT: '5432',
    PGDATABASE: 'app',
    PGUSER: 'app',
    PGPASSWORD: 'app',
  };
}

/** The packages a backend's bundle leaves out and gets from its machine instead (see `routedModules`). */
export const routedPackages: readonly string[] = ['pg'];
