// Backend mode: whole stacks (a fetch provider, the integrator's handler, PGlite) against provider mode, in the
// same session, with where a stack run's time goes. Printed as information; nothing here fails on a target.
import { sharedEngine, type DatabaseEngine } from '../src/database/engine.ts';
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderSource } from '../src/load-provider-source.ts';
import { packageRoot } from '../src/package-root.ts';
import type { ProviderSource } from '../src/providers/source.ts';
import { BackendNode } from '../src/model/backend-node.ts';
import { PostgresEngine } from '../src/database/postgres/engine.ts';
import type { InFlight } from '../src/database/postgres/lock-watch.ts';
import { SessionDatabase } from '../src/database/postgres/sessions.ts';

/** One row: a source, its schedules per second, and per run the time in the database's reset and statements. */
export interface BackendModeRow {
  readonly name: string;
  readonly runs: number;
  readonly elapsedMs: number;
  readonly schedulesPerSecond: number;
  readonly verdict: 'pass' | 'fail';
  readonly resetMsPerRun: number;
  readonly statementMsPerRun: number;
  readonly statementsPerRun: number;
  readonly hostTurnsPerRun: number;
}

const stacks = `${packageRoot}examples/stacks/`;
const rows = [
  { name: 'provider mode: good-store-backed-dynamic.ts (key store, no backend)', provider: `${packageRoot}examples/providers/good-store-backed-dynamic.ts`, backend: undefined, runs: 4_000 },
  { name: 'backend mode: pglite-raw-sql good-backend.ts (Fetch handler, raw SQL), PGlite', provider: `${stacks}pglite-raw-sql/provider.ts`, backend: `${stacks}pglite-raw-sql/good-backend.ts`, runs: 300, database: 'pglite' },
  { name: 'backend mode: pglite-raw-sql good-backend.ts (Fetch handler, raw SQL), PostgreSQL', provider: `${stacks}pglite-raw-sql/provider.ts`, backend: `${stacks}pglite-raw-sql/good-backend.ts`, runs: 300, database: 'postgres' },
  { name: 'backend mode: express-knex good-backend.ts (Express on knex), PGlite', provider: `${stacks}express-knex/provider.ts`, backend: `${stacks}express-knex/good-backend.ts`, runs: 150, database: 'pglite' },
  { name: 'backend mode: express-knex good-backend.ts (Express on knex), PostgreSQL', provider: `${stacks}express-knex/provider.ts`, backend: `${stacks}express-knex/good-backend.ts`, runs: 150, database: 'postgres' },
] as const;

/** Counts what the engine and the backend node spend, by wrapping them for the length of one measurement. */
function meter(engine: DatabaseEngine): { readonly totals: { resetMs: number; statementMs: number; statements: number; hostTurns: number }; stop(): void } {
  const totals = { resetMs: 0, statementMs: 0, statements: 0, hostTurns: 0 };
  const { freshRun, query, exec } = engine;
  const hostTurn = BackendNode.prototype.hostTurn;
  const timed = <A extends unknown[], R>(run: (...args: A) => Promise<R>, add: (ms: number) => void) =>
    async function (this: DatabaseEngine, ...args: A): Promise<R> {
      const started = performance.now();
      try {
        return await run.apply(this, args);
      } finally {
        add(performance.now() - started);
      }
    };
  engine.freshRun = timed(freshRun, (ms) => (totals.resetMs += ms));
  const stopServer = meterServer(totals);
  engine.query = timed(query, (ms) => ((totals.statementMs += ms), totals.statements++)) as typeof query;
  engine.exec = timed(exec, (ms) => ((totals.statementMs += ms), totals.statements++)) as typeof exec;
  BackendNode.prototype.hostTurn = function (this: BackendNode) {
    const turn = hostTurn.call(this);
    if (turn !== undefined) totals.hostTurns++;
    return turn;
  };
  return {
    totals,
    stop() {
      engine.freshRun = freshRun;
      engine.query = query;
      engine.exec = exec;
      BackendNode.prototype.hostTurn = hostTurn;
      stopServer();
    },
  };
}

/**
 * The same on the real server: its reset, and each statement from its sending (with the clock setting before
 * it) to its answer — the database's own time, lock waits included (none in these good stacks' runs, mostly).
 */
function meterServer(totals: { resetMs: number; statementMs: number; statements: number }): () => void {
  const engine = PostgresEngine.prototype as unknown as { freshRun: (...args: unknown[]) => Promise<unknown> };
  const database = SessionDatabase.prototype as unknown as { send: (...args: unknown[]) => Promise<InFlight> };
  const { freshRun } = engine;
  const { send } = database;
  engine.freshRun = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return await freshRun.apply(this, args);
    } finally {
      totals.resetMs += performance.now() - started;
    }
  };
  database.send = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    const flight = await send.apply(this, args);
    totals.statements++;
    const add = (): void => void (totals.statementMs += performance.now() - started);
    flight.promise.then(add, add);
    return flight;
  };
  return () => (Object.assign(engine, { freshRun }), Object.assign(database, { send }));
}

async function sourceOf(provider: string, backend: string | undefined): Promise<ProviderSource> {
  const loaded = await loadProviderSource(provider, undefined, backend);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

/** Measures every row (after one warm-up sweep each, which also starts the engine), fastest of `repetitions`. */
export async function runBackendMode(repetitions = 2): Promise<BackendModeRow[]> {
  const engine = await sharedEngine();
  const measured: BackendModeRow[] = [];
  for (const row of rows) {
    const source = await sourceOf(row.provider, row.backend);
    await sweep({ source, runs: 20, seed: 1, pins: { clients: 3, ...('database' in row ? { database: row.database } : {}) } });
    let best: BackendModeRow | undefined;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const metered = meter(engine);
      const started = performance.now();
      const report = await sweep({ source, runs: row.runs, seed: 1, pins: { clients: 3, ...('database' in row ? { database: row.database } : {}) } });
      const elapsedMs = performance.now() - started;
      metered.stop();
      // Per schedule of the sweep (its self-check's extra runs, one seed in 97 run twice more, are included).
      const simulated = Math.max(1, report.runs);
      const result: BackendModeRow = {
        name: row.name,
        runs: report.runs,
        elapsedMs,
        schedulesPerSecond: (report.runs / elapsedMs) * 1000,
        verdict: report.verdict,
        resetMsPerRun: metered.totals.resetMs / simulated,
        statementMsPerRun: metered.totals.statementMs / simulated,
        statementsPerRun: metered.totals.statements / simulated,
        hostTurnsPerRun: metered.totals.hostTurns / simulated,
      };
      if (best === undefined || result.elapsedMs < best.elapsedMs) best = result;
    }
    if (best !== undefined) measured.push(best);
  }
  return measured;
}

/** Prints the rows and what dominates a stack run. */
export function printBackendMode(measured: readonly BackendModeRow[]): void {
  const format = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  console.log('\nbackend mode vs provider mode, 3 clients, swarm worlds (sweep with its self-check; target ≥ 500 schedules/s in backend mode)');
  const provider = measured[0];
  for (const row of measured) {
    const msPerRun = row.elapsedMs / row.runs;
    const ratio = provider === undefined ? '' : `, ${format(provider.schedulesPerSecond / row.schedulesPerSecond, 1)}× slower than provider mode`;
    console.log(`  ${row.name}: ${format(row.schedulesPerSecond)} schedules/s (${format(msPerRun, 2)} ms a run${row === provider ? '' : ratio}), ${row.verdict}`);
    // The same stack on PGlite, measured in this session: the real server's speed as a ratio of it.
    const onPglite = row.name.endsWith(', PostgreSQL') ? measured.find((other) => other.name === row.name.replace(/, PostgreSQL$/, ', PGlite')) : undefined;
    if (onPglite !== undefined) {
      console.log(`    ${format(row.schedulesPerSecond / onPglite.schedulesPerSecond, 2)}× PGlite's speed for the same stack; a run is ${format(msPerRun / Math.max(0.001, row.statementMsPerRun + row.resetMsPerRun), 2)}× the database's own time (its statements and its reset)`);
    }
    if (row !== provider) {
      const other = Math.max(0, msPerRun - row.resetMsPerRun - row.statementMsPerRun);
      console.log(
        `    a run: database reset ${format(row.resetMsPerRun, 2)} ms (${format((100 * row.resetMsPerRun) / msPerRun)} %), ${format(row.statementsPerRun, 1)} statements ${format(row.statementMsPerRun, 2)} ms (${format((100 * row.statementMsPerRun) / msPerRun)} %), the rest ${format(other, 2)} ms (${format((100 * other) / msPerRun)} %: module instances, sandbox, ${format(row.hostTurnsPerRun, 1)} host turns, async context, the model) — target ${format((500 / row.schedulesPerSecond), 2)}× of it`,
      );
    }
  }
}
