import { AsyncLocalStorage } from 'node:async_hooks';
import { adaptBackend } from '../../src/backend/adapt.ts';
import { loadBackendModule, type BackendSource } from '../../src/backend/load.ts';
import type { BackendEnv, BackendModule, FetchHandler } from '../../src/backend/contract.ts';
import { SimulatedDatabase } from '../../src/database/database.ts';
import type { DatabaseEngine, DatabaseSetup, DirectDatabase } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import { kernelScheduler } from '../../src/database/kernel-scheduler.ts';
import type { StatementRecord } from '../../src/database/records.ts';
import { EventQueue } from '../../src/kernel/event-queue.ts';
import { HostWork } from '../../src/kernel/host-work.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { runLoop, type LoopEnd } from '../../src/kernel/run-loop.ts';
import type { Strategy } from '../../src/kernel/strategy.ts';
import type { EncryptionProvider, ProviderAnswer } from '../../src/providers/types.ts';
import { memoryKeyStore, serve, settling, testEnv, testMachine } from '../backend/support.ts';
import { epochMs } from '../database/support.ts';

/** Picks the enabled event whose key starts with the next of the given prefixes, else the first enabled. */
export { scripted } from '../database/support.ts';

/** The page every simulated browser is served from: the provider's relative URLs resolve against it. */
export const pageOrigin = 'https://app.example';

/** What a browser's script may do: call its provider, as the RTC plugin does. */
export type BrowserScript = (provider: EncryptionProvider) => Promise<unknown>;

/** One run of a whole stack in the host: the provider's `fetch` served by the backend, the backend's SQL as events. */
export interface StackRunOptions {
  readonly engine: DatabaseEngine;
  /** Names the backend's setup for the engine (a module path): same name, same database after `setup`. */
  readonly label: string;
  readonly backend: BackendModule;
  readonly provider: EncryptionProvider;
  readonly seed: number;
  readonly strategy: Strategy;
  /** The browsers, started together at virtual time 0; every statement their requests make is `sql:<name>#n`. */
  readonly browsers: Record<string, BrowserScript>;
}

export type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown } | { readonly pending: true };

export interface StackRun {
  readonly results: Record<string, Settled>;
  readonly records: readonly StatementRecord[];
  readonly end: LoopEnd;
}

/**
 * Runs the browsers against the backend module on a fresh database: `setup(env)` first (its statements run
 * at once), then `createBackend(env)`, adapted to one Fetch handler as rtc-sim adapts it. The provider's
 * global `fetch` is routed to that handler for the length of the run, and each request's statements are
 * attributed to the browser that sent it (AsyncLocalStorage), so a strategy can name them.
 */
export async function runStack(options: StackRunOptions): Promise<StackRun> {
  const queue = new EventQueue();
  const hostWork = new HostWork();
  const machine = { clockMs: () => epochMs + queue.nowMs, entropy: forkStream(options.seed, 'database') };
  const records: StatementRecord[] = [];
  const database = new SimulatedDatabase({
    engine: options.engine,
    machine,
    scheduler: kernelScheduler(queue, hostWork),
    latency: { stream: forkStream(options.seed, 'database-latency'), minMs: 1, maxMs: 5 },
    onStatement: (record) => records.push(record),
  });
  const browserOf = new AsyncLocalStorage<string>();
  const backendStream = forkStream(options.seed, 'backend');
  const envWith = (db: DatabaseHandle): BackendEnv => ({
    db,
    keyStore: memoryKeyStore(),
    now: machine.clockMs,
    random: () => backendStream.next(),
    randomBytes: (length) => backendStream.bytes(length),
    sleep: (ms) => new Promise((resolve) => queue.timer({ key: `sleep:${browserOf.getStore() ?? 'backend'}`, actor: 'backend', resources: [], delayMs: ms, action: () => resolve() })),
  });

  const setup: DatabaseSetup = {
    key: options.label,
    run: async (direct) => void (await options.backend.setup?.(envWith(directHandle(direct)))),
    machine: { clockMs: () => epochMs, entropy: forkStream('setup', 'database') },
  };
  await options.engine.freshRun(setup, machine);

  const handler = await startBackend(options.backend, envWith(routedHandle(database, () => browserOf.getStore() ?? 'backend')));
  const results: Record<string, Settled> = {};
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => handler(new Request(new URL(input instanceof Request ? input.url : String(input), pageOrigin), init));
  try {
    for (const [name, script] of Object.entries(options.browsers)) {
      results[name] = { pending: true };
      browserOf.run(name, () =>
        script(options.provider).then(
          (value) => (results[name] = { ok: true, value }),
          (error: unknown) => (results[name] = { ok: false, error }),
        ),
      );
    }
    const end = await runLoop({ queue, strategy: options.strategy, settle: settler(hostWork), isHalted: () => false, eventsMax: 10_000, virtualTimeMsMax: 3_600_000 });
    return { results, records, end };
  } finally {
    globalThis.fetch = realFetch;
  }
}

async function startBackend(backend: BackendModule, env: BackendEnv): Promise<FetchHandler> {
  const create = backend.createBackend ?? backend.default;
  if (create === undefined) throw new Error('the backend module exports no createBackend');
  const adapted = adaptBackend(await create(env), { now: env.now });
  if (!adapted.ok) throw new Error(adapted.problem.message);
  return adapted.handler;
}

// Host work first; then a few macrotask turns, so that host promise chains (Express through light-my-request,
// knex's pool) reach their next statement before the strategy chooses.
function settler(hostWork: HostWork): () => Promise<void> | undefined {
  let turned = false;
  return () => {
    const waiting = hostWork.drain();
    if (waiting !== undefined) return waiting.then(() => void (turned = false));
    if (turned) return (turned = false), undefined;
    turned = true;
    return hostTurns(4);
  };
}

async function hostTurns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** A handle whose statements are attributed to whoever `callerNow()` names when each is issued. */
function routedHandle(database: SimulatedDatabase, callerNow: () => string): DatabaseHandle {
  return {
    query: (text, params, options) => database.handle(callerNow()).query(text, params, options),
    exec: (sql, options) => database.handle(callerNow()).exec(sql, options),
    transaction: (fn) => database.handle(callerNow()).transaction(fn),
    waitReady: Promise.resolve(),
    ready: true,
    closed: false,
    close: () => Promise.resolve(),
  };
}

/** `env.db` over statements that run at once, unscheduled: the setup's, or the engine's own. */
function directHandle(database: Pick<DirectDatabase, 'query' | 'exec'> & Partial<Pick<DirectDatabase, 'transaction'>>): DatabaseHandle {
  const transaction = (database.transaction ?? (() => Promise.reject(new Error('no transactions on this handle')))) as DatabaseHandle['transaction'];
  return { query: database.query, exec: database.exec, transaction, waitReady: Promise.resolve(), ready: true, closed: false, close: () => Promise.resolve() };
}

/**
 * Loads a backend module as rtc-sim does (bundled, evaluated in the server sandbox), runs its setup and starts
 * it on a fresh database whose statements run directly, one request at a time (no scheduling): `get(path)`
 * serves one request from the page's origin.
 */
export async function startInSandbox(engine: DatabaseEngine, path: string) {
  const machine = { clockMs: () => epochMs, entropy: forkStream(1, 'database') };
  const loaded = await loadBackendModule(path);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const source: BackendSource = loaded.value;
  const stream = forkStream(1, 'backend');
  const envOf = (db: DatabaseHandle): BackendEnv => ({ ...testEnv(), db, randomBytes: (length) => stream.bytes(length) });
  const backendMachine = testMachine();
  await engine.freshRun(
    {
      key: `sandbox:${path}`,
      machine,
      run: async (direct) => {
        const problem = await settling(source, source.setup(envOf(directHandle(direct)), backendMachine));
        if (problem !== undefined) throw new Error(problem.message);
      },
    },
    machine,
  );
  const db = directHandle({ query: (text, params, options) => engine.query(machine, text, params, options), exec: (sql, options) => engine.exec(machine, sql, options) });
  const started = await settling(source, source.start(envOf(db), backendMachine));
  if (!started.ok) throw new Error(started.problem.message);
  const get = (path: string) => serve(source, started.handler, new Request(pageOrigin + path));
  return { get, backendMachine };
}

/** Chooses uniformly among the enabled events from a seeded stream. */
export function seededRandom(seed: number): Strategy {
  const stream = forkStream(seed, 'strategy');
  return { name: `random-${seed}`, choose: (enabled) => stream.integer(0, enabled.length - 1) };
}

/**
 * One statement as the assertions name it: its event key, verb and table, and how it ended —
 * `sql:c1#2 INSERT document_keys … ON CONFLICT → done`; a statement on no table by its text (`SELECT version()`).
 */
export function describeStatement(record: StatementRecord): string {
  const text = record.text.trim().replace(/;$/, '');
  const verb = text.split(/\s+/)[0]?.toUpperCase() ?? '';
  const table = /\b(?:from|into|update)\s+"?(\w+)"?/i.exec(text)?.[1];
  const what = table === undefined ? `${verb}${text.slice(verb.length)}` : `${verb} ${table}${/\bon conflict\b/i.test(text) ? ' … ON CONFLICT' : ''}`;
  return `${record.key} ${what} → ${record.outcome.kind}`;
}

/** The answers a run's browsers got, by hint: every key ever answered for each hint. */
export function keysByHint(answers: readonly ProviderAnswer[]): Map<string, Set<string>> {
  const byHint = new Map<string, Set<string>>();
  for (const answer of answers) {
    const hint = answer.keyHint ?? '';
    byHint.set(hint, (byHint.get(hint) ?? new Set()).add(answer.key));
  }
  return byHint;
}
