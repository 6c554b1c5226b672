// `node bin/run-ts.mjs bench/database.ts`: the measurements behind the choice of embedded SQL engine
// (README, *Design* → *The database*). PGlite (Postgres in WebAssembly) against SQLite via sql.js: cold
// start, per-statement latency, per-run reset, and fidelity. A benchmark, not a test: it asserts nothing.
import { loadavg } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import initSqlJs from 'sql.js';
import { EventQueue } from '../src/kernel/event-queue.ts';
import { HostWork } from '../src/kernel/host-work.ts';
import { forkStream } from '../src/kernel/random.ts';
import { runLoop } from '../src/kernel/run-loop.ts';
import { SimulatedDatabase } from '../src/database/database.ts';
import { DatabaseEngine, type DatabaseSetup } from '../src/database/engine.ts';
import { kernelScheduler } from '../src/database/kernel-scheduler.ts';

const statements = Number(process.env['DATABASE_BENCH_STATEMENTS'] ?? 500);
const resets = Number(process.env['DATABASE_BENCH_RESETS'] ?? 100);
const schema = `CREATE TABLE keys (document text NOT NULL, created text NOT NULL, key text NOT NULL, PRIMARY KEY (document, created));`;
const seedRows = Array.from({ length: 10 }, (_, index) => `('seed${index}', '2026-01-01T00:00:0${index}Z', 'k${index}')`).join(', ');
const seedSql = `INSERT INTO keys (document, created, key) VALUES ${seedRows};`;
const runSql = Array.from({ length: 5 }, (_, index) => `INSERT INTO keys (document, created, key) VALUES ('d1', '2026-01-02T00:00:0${index}Z', 'r${index}');`).join('\n');

/** Mean real milliseconds per call of `work`, over `count` calls after a few warm-up calls. */
async function msPer(count: number, work: (index: number) => unknown): Promise<number> {
  for (let index = 0; index < Math.min(10, count); index++) await work(index);
  const started = performance.now();
  for (let index = 0; index < count; index++) await work(index);
  return (performance.now() - started) / count;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

const rows: [string, string, string][] = [];
const row = (what: string, pglite: string, sqlite: string) => rows.push([what, pglite, sqlite]);
const ms = (value: number) => (value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(2)} ms`);

// --- PGlite ---------------------------------------------------------------------------------------------
const pgCold = await timed(async () => {
  const pglite = await PGlite.create();
  await pglite.query('SELECT 1');
  return pglite;
});
const pglite = pgCold.value;
await pglite.exec(schema + seedSql);
const pgSelect = await msPer(statements, () => pglite.query('SELECT 1'));
const pgInsert = await msPer(statements, (index) => pglite.query('INSERT INTO keys (document, created, key) VALUES ($1, $2, $3)', ['bench', `t${index}-${Math.random()}`, 'k']));
const pgLookup = await msPer(statements, () => pglite.query('SELECT key FROM keys WHERE document = $1 ORDER BY created DESC LIMIT 1', ['seed3']));
const pgTruncate = await msPer(resets, async () => {
  await pglite.exec(runSql);
  await pglite.exec('TRUNCATE TABLE keys;');
});
const pgDelete = await msPer(resets, async () => {
  await pglite.exec(runSql);
  await pglite.exec('DELETE FROM keys;');
});
const pgTruncateReseed = await msPer(resets, async () => {
  await pglite.exec(runSql);
  await pglite.exec(`TRUNCATE TABLE keys; ${seedSql}`);
});
const pgDeleteReseed = await msPer(resets, async () => {
  await pglite.exec(runSql);
  await pglite.exec(`DELETE FROM keys; ${seedSql}`);
});
const vacuum = await timed(() => pglite.exec('VACUUM'));
const dump = await timed(() => pglite.dumpDataDir('none'));
const fromDump = await timed(async () => {
  const restored = await PGlite.create({ loadDataDir: dump.value });
  await restored.query('SELECT 1');
  await restored.close();
});
const clone = await timed(() =>
  Promise.race([
    pglite.clone().then(async (copy) => {
      await copy.query('SELECT 1');
      await copy.close();
      return 'ok';
    }),
    new Promise<string>((resolve) => setTimeout(() => resolve('timed out after 30 s'), 30_000).unref()),
  ]),
);
const fidelity = await pgliteFidelity(pglite);
await pglite.close();

// The component: the engine with its snapshot reset, and statements as kernel events.
const engine = await DatabaseEngine.start();
const setupMachine = { clockMs: () => Date.UTC(2026, 0, 1), entropy: forkStream('setup', 'database') };
const setup: DatabaseSetup = { key: 'bench', run: async (database) => void (await database.exec(schema + seedSql)), machine: setupMachine };
const machineOf = (seed: number) => ({ clockMs: () => Date.UTC(2026, 0, 1), entropy: forkStream(seed, 'database') });
const firstBuild = await engine.freshRun(setup, machineOf(0));
const snapshotReset = await msPer(resets, async (index) => {
  await engine.exec(machineOf(index), runSql);
  const fresh = await engine.freshRun(setup, machineOf(index));
  if (fresh.kind !== 'restored') throw new Error(`expected a restore, got ${fresh.kind}`);
});
const rebuild = await msPer(Math.min(resets, 20), async (index) => {
  await engine.freshRun({ ...setup, key: `bench-${index}` }, machineOf(index));
});
const scheduled = await scheduledStatementsMs(engine, statements);

// --- sql.js ---------------------------------------------------------------------------------------------
const sqlCold = await timed(async () => {
  const SQL = await initSqlJs();
  const database = new SQL.Database();
  database.exec('SELECT 1');
  return { SQL, database };
});
const { SQL } = sqlCold.value;
let sqlite = sqlCold.value.database;
sqlite.exec(schema + seedSql);
const sqlSelect = await msPer(statements, () => sqlite.exec('SELECT 1'));
const insertStatement = sqlite.prepare('INSERT INTO keys (document, created, key) VALUES (?, ?, ?)');
const sqlInsert = await msPer(statements, (index) => insertStatement.run(['bench', `t${index}-${Math.random()}`, 'k']));
insertStatement.free();
const lookupStatement = sqlite.prepare('SELECT key FROM keys WHERE document = ? ORDER BY created DESC LIMIT 1');
const sqlLookup = await msPer(statements, () => {
  lookupStatement.bind(['seed3']);
  lookupStatement.step();
  lookupStatement.reset();
});
lookupStatement.free();
const sqlDelete = await msPer(resets, () => sqlite.exec(`${runSql} DELETE FROM keys;`));
sqlite.exec(seedSql);
const image = sqlite.export();
const sqlRestore = await msPer(resets, () => {
  sqlite.exec(runSql);
  sqlite.close();
  sqlite = new SQL.Database(image);
});
const sqlFidelity = sqliteFidelity(sqlite);

// --- report ---------------------------------------------------------------------------------------------
row('cold start (engine + first statement)', ms(pgCold.ms), ms(sqlCold.ms));
row('SELECT 1', ms(pgSelect), ms(sqlSelect));
row('INSERT with parameters', ms(pgInsert), ms(sqlInsert));
row('lookup by document, newest first', ms(pgLookup), ms(sqlLookup));
row('reset: TRUNCATE (rows of a run, no seed rows)', ms(pgTruncate), 'no TRUNCATE');
row('reset: DELETE', ms(pgDelete), ms(sqlDelete));
row('reset: TRUNCATE + re-insert seed rows', ms(pgTruncateReseed), '—');
row('reset: DELETE + re-insert seed rows', ms(pgDeleteReseed), '—');
row(`VACUUM after ${resets * 4} resets`, ms(vacuum.ms), '—');
row('reset: snapshot (pglite: engine.freshRun; sql.js: export → new Database)', ms(snapshotReset), ms(sqlRestore));
row('reset: drop schemas + run the setup again (engine.freshRun, new key)', ms(rebuild), '—');
row('reset: dump + new engine from the dump', `${ms(dump.ms)} + ${ms(fromDump.ms)}`, '—');
row('reset: clone()', `${ms(clone.ms)} (${clone.value})`, '—');
row('statement as a kernel event (SimulatedDatabase, SELECT 1)', ms(scheduled), '—');
for (const [check, pgAnswer] of Object.entries(fidelity)) row(check, pgAnswer, sqlFidelity[check] ?? '—');

console.log(`Node ${process.version}, load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} (the machine is shared); ${statements} statements, ${resets} resets per measure`);
console.log(`first engine.freshRun (setup + snapshot): ${ms(firstBuild.realMs)}`);
const width = Math.max(...rows.map(([what]) => what.length));
const pgWidth = Math.max(...rows.map(([, pg]) => pg.length), 'PGlite'.length);
console.log(`${''.padEnd(width)} | ${'PGlite'.padEnd(pgWidth)} | sql.js`);
for (const [what, pg, sql] of rows) console.log(`${what.padEnd(width)} | ${pg.padEnd(pgWidth)} | ${sql}`);

async function scheduledStatementsMs(engine: DatabaseEngine, count: number): Promise<number> {
  const queue = new EventQueue();
  const hostWork = new HostWork();
  const database = new SimulatedDatabase({
    engine,
    machine: machineOf(1),
    scheduler: kernelScheduler(queue, hostWork),
    latency: { stream: forkStream(1, 'latency'), minMs: 1, maxMs: 5 },
  });
  const handle = database.handle('bench');
  const caller = (async () => {
    for (let index = 0; index < count; index++) await handle.query('SELECT 1');
  })();
  const started = performance.now();
  await runLoop({
    queue,
    strategy: { name: 'first', choose: () => 0 },
    settle: () => hostWork.drain(),
    isHalted: () => false,
    eventsMax: count + 10,
    virtualTimeMsMax: Number.MAX_SAFE_INTEGER,
  });
  await caller;
  return (performance.now() - started) / count;
}

async function answer(work: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await work());
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return `error ${code ?? ''} ${message ?? ''}`.trim();
  }
}

async function pgliteFidelity(database: PGlite): Promise<Record<string, string>> {
  await database.exec('CREATE TABLE fidelity (document text PRIMARY KEY, key text)');
  const realNow = Date.now;
  Date.now = () => Date.UTC(2030, 0, 1);
  const now = await answer(async () => (await database.query<{ now: Date }>('SELECT now() AS now')).rows[0]?.now.toISOString());
  Date.now = realNow;
  return {
    'ON CONFLICT DO NOTHING RETURNING': await answer(async () => {
      await database.query(`INSERT INTO fidelity VALUES ('d1', 'k1')`);
      return (await database.query(`INSERT INTO fidelity VALUES ('d1', 'k2') ON CONFLICT (document) DO NOTHING RETURNING key`)).rows;
    }),
    'ON CONFLICT DO UPDATE RETURNING': await answer(async () => (await database.query(`INSERT INTO fidelity VALUES ('d1', 'k3') ON CONFLICT (document) DO UPDATE SET key = excluded.key RETURNING key`)).rows),
    'duplicate key error': await answer(() => database.query(`INSERT INTO fidelity VALUES ('d1', 'k4')`)),
    'now() with the host clock set to 2030': now,
    'gen_random_uuid()': await answer(async () => (await database.query<{ uuid: string }>('SELECT gen_random_uuid() AS uuid')).rows[0]?.uuid),
    'transaction rolled back': await answer(async () => {
      await database.transaction(async (tx) => {
        await tx.query(`INSERT INTO fidelity VALUES ('d2', 'k5')`);
        await tx.rollback();
      });
      return (await database.query(`SELECT count(*)::int AS count FROM fidelity WHERE document = 'd2'`)).rows;
    }),
  };
}

function sqliteFidelity(database: InstanceType<Awaited<ReturnType<typeof initSqlJs>>['Database']>): Record<string, string> {
  const sync = (work: () => unknown) => {
    try {
      return JSON.stringify(work());
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      return `error ${code ?? ''} ${message ?? ''}`.trim();
    }
  };
  database.exec('CREATE TABLE fidelity (document text PRIMARY KEY, key text)');
  const realNow = Date.now;
  Date.now = () => Date.UTC(2030, 0, 1);
  const now = sync(() => database.exec(`SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`)[0]?.values);
  Date.now = realNow;
  return {
    'ON CONFLICT DO NOTHING RETURNING': sync(() => {
      database.exec(`INSERT INTO fidelity VALUES ('d1', 'k1')`);
      return database.exec(`INSERT INTO fidelity VALUES ('d1', 'k2') ON CONFLICT (document) DO NOTHING RETURNING key`);
    }),
    'ON CONFLICT DO UPDATE RETURNING': sync(() => database.exec(`INSERT INTO fidelity VALUES ('d1', 'k3') ON CONFLICT (document) DO UPDATE SET key = excluded.key RETURNING key`)[0]?.values),
    'duplicate key error': sync(() => database.exec(`INSERT INTO fidelity VALUES ('d1', 'k4')`)),
    'now() with the host clock set to 2030': `${sync(() => database.exec('SELECT now()'))}; strftime('now'): ${now}`,
    'gen_random_uuid()': sync(() => database.exec('SELECT gen_random_uuid()')),
    'transaction rolled back': sync(() => {
      database.exec(`BEGIN; INSERT INTO fidelity VALUES ('d2', 'k5'); ROLLBACK;`);
      return database.exec(`SELECT count(*) FROM fidelity WHERE document = 'd2'`)[0]?.values;
    }),
  };
}
