// Real-Postgres stack mode next to today's PGlite mode, in one session, with the database's own cost for the
// same statements (the time from sending each statement to its answer, lock waits excluded) as the limit.
// Printed as information; nothing here fails on a target. `node bin/run-ts.mjs bench/postgres-mode.ts`
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderSource } from '../src/load-provider-source.ts';
import { packageRoot } from '../src/package-root.ts';
import pg from 'pg';
import { PostgresEngine, sharedPostgresEngine } from '../src/database/postgres/engine.ts';
import { SessionDatabase } from '../src/database/postgres/sessions.ts';
import type { InFlight } from '../src/database/postgres/lock-watch.ts';

const stacks = `${packageRoot}examples/stacks/`;
const rows = [
  { name: 'PGlite: pglite-raw-sql good-backend.ts (raw SQL, one session)', provider: `${stacks}pglite-raw-sql/provider.ts`, backend: `${stacks}pglite-raw-sql/good-backend.ts`, database: 'pglite' },
  { name: 'PostgreSQL: pglite-raw-sql good-backend.ts (the same raw SQL, 1–10 sessions)', provider: `${stacks}pglite-raw-sql/provider.ts`, backend: `${stacks}pglite-raw-sql/good-backend.ts` },
  { name: 'PostgreSQL: postgres-sessions good-unique-violation-reread.ts (raw SQL, 1–10 sessions)', provider: `${stacks}postgres-sessions/provider.ts`, backend: `${stacks}postgres-sessions/good-unique-violation-reread.ts` },
  { name: 'PostgreSQL: postgres-drizzle good-backend.ts (pg.Pool + Drizzle)', provider: `${stacks}postgres-drizzle/provider.ts`, backend: `${stacks}postgres-drizzle/good-backend.ts` },
] as const;

/**
 * The time the server and the driver take for every statement sent, summed, and how many; the per-run reset's
 * time; and every round trip to the server (a load-independent count: the reset's, and the rest's).
 */
function meterStatements(): { readonly totals: { statementMs: number; statements: number; stepMs: number; resetMs: number; resetTrips: number; trips: number }; stop(): void } {
  const totals = { statementMs: 0, statements: 0, stepMs: 0, resetMs: 0, resetTrips: 0, trips: 0 };
  const prototype = SessionDatabase.prototype as unknown as { send: (...args: unknown[]) => Promise<InFlight>; run: (...args: unknown[]) => Promise<unknown> };
  const { send, run } = prototype;
  const engine = PostgresEngine.prototype as unknown as { freshRun: (...args: unknown[]) => Promise<unknown> };
  const { freshRun } = engine;
  const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const { query } = client;
  let resetting = false;
  client.query = function (this: unknown, ...args: unknown[]) {
    if (resetting) totals.resetTrips++;
    else totals.trips++;
    return query.apply(this, args);
  };
  engine.freshRun = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    resetting = true;
    try {
      return await freshRun.apply(this, args);
    } finally {
      resetting = false;
      totals.resetMs += performance.now() - started;
    }
  };
  prototype.send = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    const flight = await send.apply(this, args);
    totals.statements++;
    flight.promise.then(
      () => (totals.statementMs += performance.now() - started),
      () => (totals.statementMs += performance.now() - started),
    );
    return flight;
  };
  prototype.run = async function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return await run.apply(this, args);
    } finally {
      totals.stepMs += performance.now() - started;
    }
  };
  return { totals, stop: () => (Object.assign(prototype, { send, run }), Object.assign(engine, { freshRun }), Object.assign(client, { query })) };
}

const runs = Number(process.env['RUNS'] ?? 200);
await sharedPostgresEngine();
const measured: { name: string; schedulesPerSecond: number; msPerRun: number; statementMs: number; statements: number; stepMs: number; resetMs: number; resetTrips: number; trips: number }[] = [];
for (const row of rows) {
  const loaded = await loadProviderSource(row.provider, undefined, row.backend);
  if (!loaded.ok) throw new Error(loaded.error.message);
  await sweep({ source: loaded.value, runs: 20, seed: 1, pins: { clients: 3, ...('database' in row ? { database: row.database } : {}) } });
  const meter = meterStatements();
  const started = performance.now();
  const report = await sweep({ source: loaded.value, runs, seed: 1, pins: { clients: 3, ...('database' in row ? { database: row.database } : {}) } });
  const elapsedMs = performance.now() - started;
  meter.stop();
  const perRun = Math.max(1, report.runs);
  measured.push({
    name: `${row.name}, ${report.verdict}`,
    schedulesPerSecond: (report.runs / elapsedMs) * 1000,
    msPerRun: elapsedMs / perRun,
    statementMs: meter.totals.statementMs / perRun,
    statements: meter.totals.statements / perRun,
    stepMs: meter.totals.stepMs / perRun,
    resetMs: meter.totals.resetMs / perRun,
    resetTrips: meter.totals.resetTrips / perRun,
    trips: meter.totals.trips / perRun,
  });
}
const format = (value: number, digits = 1): string => value.toFixed(digits);
const pglite = measured[0];
console.log(`stack mode, 3 clients, ${runs} swarm runs each (sweep with its self-check)`);
for (const row of measured) {
  const ratio = pglite === undefined || row === pglite ? '' : `, ${format(row.schedulesPerSecond / pglite.schedulesPerSecond, 2)}× PGlite mode's speed`;
  console.log(`  ${row.name}: ${format(row.schedulesPerSecond)} schedules/s (${format(row.msPerRun, 2)} ms a run${ratio})`);
  if (row.statements > 0) {
    console.log(`    ${format(row.statements)} statements a run: the database's own time ${format(row.statementMs, 2)} ms; the steps (sending, lock watch, waiters) ${format(row.stepMs, 2)} ms; a run is ${format(row.msPerRun / row.statementMs, 1)}× the database's own time`);
    console.log(`    the reset ${format(row.resetMs, 2)} ms a run; round trips to the server a run: ${format(row.resetTrips, 1)} in the reset, ${format(row.trips, 1)} for statements (clock settings and lock checks included)`);
  }
}
process.exit(0);
