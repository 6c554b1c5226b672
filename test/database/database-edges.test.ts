import { beforeAll, describe, expect, it } from 'vitest';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import { runHandle } from '../../src/database/run-handle.ts';
import { SimulatedDatabase } from '../../src/database/database.ts';
import type { DatabaseEvent } from '../../src/database/scheduling.ts';
import type { SimEvent } from '../../src/kernel/event.ts';
import { forkStream } from '../../src/kernel/random.ts';
import type { Strategy } from '../../src/kernel/strategy.ts';
import { epochMs, runWorld, scripted, setupOf, type RunOptions } from './support.ts';

// The simulated database's edges: the events the kernel sees, the idle timeout (its default, what keeps a
// transaction alive and what does not), statements that wait and resume, what is pending when a run stops,
// and the errors a caller reads when its transaction or its session is gone.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
}, 60_000);

const setup = setupOf('edges-keys', 'CREATE TABLE keys (document text PRIMARY KEY, key text NOT NULL);');

/** The events `strategy` chose, as the kernel saw them. */
function recording(strategy: Strategy, chosen: string[]): Strategy {
  return {
    name: 'recording',
    choose(enabled: readonly SimEvent[], context) {
      const index = strategy.choose(enabled, context);
      const event = enabled[index];
      if (event !== undefined) chosen.push(`${event.key} ${event.actor} ${event.timing} ${event.resources.join(',')} @${context.nowMs}→${event.dueMs}`);
      return index;
    },
  };
}

const insert = (key: string) => `INSERT INTO keys VALUES ('d1', '${key}')`;
const never = new Promise<never>(() => undefined);
/** Resolves when `signal()` is called: one caller waits for another's step. */
function latch(): { wait: Promise<void>; signal: () => void } {
  let signal: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (signal = resolve));
  return { wait, signal };
}
const rows = async (db: DatabaseHandle) => (await db.query<{ key: string }>('SELECT key FROM keys ORDER BY key')).rows.map((row) => row.key);
const run = (options: Omit<RunOptions, 'engine' | 'setup' | 'seed'>) => runWorld({ engine, setup, seed: 1, latencyMs: { min: 2, max: 2 }, ...options });
const outcomes = (result: Awaited<ReturnType<typeof run>>) => result.records.map((record) => `${record.key} ${record.text.split(' ')[0]} ${JSON.stringify(record.outcome)}`);

describe('the events the kernel sees', () => {
  it('statements are asynchronous events of sql:<caller> on the database; one that waited runs again as <key>+1; the idle timeout is a timer', async () => {
    const chosen: string[] = [];
    const result = await run({
      transactionIdleTimeoutMs: 1_000,
      strategy: recording(scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']), chosen),
      callers: {
        r1: (db) => db.transaction(async (tx) => (await tx.query(insert('lost')), never)),
        r2: rows,
      },
    });
    expect(chosen).toEqual([
      'sql:r1#1 sql:r1 async database @0→2',
      'sql:r1#2 sql:r1 async database @2→4',
      'sql:r2#1 sql:r2 async database @4→2',
      'sql-timeout:tx:r1#1 sql:r1 timer database @4→1004',
      'sql:r2#1+1 sql:r2 async database @1004→1004',
    ]);
    expect(outcomes(result)).toEqual([
      'sql:r1#1 BEGIN {"kind":"done","rowCount":0,"affectedRows":0}',
      'sql:r1#2 INSERT {"kind":"done","rowCount":0,"affectedRows":1}',
      'sql:r2#1 SELECT {"kind":"waiting","holder":"tx:r1#1"}',
      'sql-timeout:tx:r1#1 ROLLBACK {"kind":"transaction-timeout","idleMs":1000}',
      'sql:r2#1 SELECT {"kind":"done","rowCount":0,"affectedRows":0}',
    ]);
    expect(result.results['r2']).toEqual({ ok: true, value: [] });
  });

  it('a statement that waits again after its resumption runs as <key>+2', async () => {
    const chosen: string[] = [];
    const gate = latch();
    const hold = (db: DatabaseHandle) => db.transaction(async (tx) => (await tx.query('SELECT 1'), gate.signal(), never));
    const result = await run({
      transactionIdleTimeoutMs: 100,
      strategy: recording(scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1', 'sql-timeout', 'sql:r3#1', 'sql:r2#1+1']), chosen),
      callers: { r1: hold, r2: rows, r3: async (db) => (await gate.wait, hold(db)) },
    });
    expect(chosen.slice(3)).toEqual([
      'sql:r3#1 sql:r3 async database @4→6',
      'sql-timeout:tx:r1#1 sql:r1 timer database @6→104',
      'sql:r3#1+1 sql:r3 async database @104→104',
      'sql:r2#1+1 sql:r2 async database @104→104',
      'sql:r3#2 sql:r3 async database @104→106',
      'sql-timeout:tx:r3#1 sql:r3 timer database @106→206',
      'sql:r2#1+2 sql:r2 async database @206→206',
    ]);
    expect(outcomes(result).filter((line) => line.includes('waiting'))).toEqual([
      'sql:r2#1 SELECT {"kind":"waiting","holder":"tx:r1#1"}',
      'sql:r3#1 BEGIN {"kind":"waiting","holder":"tx:r1#1"}',
      'sql:r2#1 SELECT {"kind":"waiting","holder":"tx:r3#1"}',
    ]);
  });

  it('the idle timeout is 60 s unless told; a database without a listener runs the same', async () => {
    const chosen: string[] = [];
    const result = await run({
      recordStatements: false,
      strategy: recording(scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']), chosen),
      callers: { r1: (db) => db.transaction(async (tx) => (await tx.query(insert('lost')), never)), r2: rows },
    });
    expect(chosen.slice(3)).toEqual(['sql-timeout:tx:r1#1 sql:r1 timer database @4→60004', 'sql:r2#1+1 sql:r2 async database @60004→60004']);
    expect(result.results['r2']).toEqual({ ok: true, value: [] });
    expect(result.records).toEqual([]);
  });
});

describe('what is pending when a run stops, and the next run', () => {
  it('the open transaction and the statement waiting for it; the next run starts outside any transaction, without their rows', async () => {
    const stopped = await run({
      transactionIdleTimeoutMs: 7_200_000,
      strategy: scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']),
      callers: { r1: (db) => db.transaction(async (tx) => (await tx.query(insert('lost')), never)), r2: rows },
    });
    expect(stopped.end).toMatchObject({ kind: 'limit', limit: 'virtual-time' });
    expect(stopped.database.pending()).toEqual([
      { kind: 'transaction-open', transaction: 'tx:r1#1', caller: 'r1' },
      { kind: 'waiting-for-transaction', key: 'sql:r2#1', caller: 'r2', holder: 'tx:r1#1' },
    ]);
    expect(engine.isInTransaction()).toBe(true);
    const next = await run({ callers: { r1: rows } });
    expect(next.results['r1']).toEqual({ ok: true, value: [] });
    // Its SELECT ran outside any transaction: no idle timeout, nothing pending.
    expect(outcomes(next)).toEqual(['sql:r1#1 SELECT {"kind":"done","rowCount":0,"affectedRows":0}']);
    expect([next.nowMs, engine.isInTransaction(), next.database.pending()]).toEqual([2, false, []]);
  });
});

describe('transactions that are over', () => {
  it("a statement on a transaction's handle after its own rollback() is refused: Transaction is closed", async () => {
    const result = await run({
      callers: {
        r1: (db) =>
          db.transaction(async (tx) => {
            await tx.rollback();
            return tx.query('SELECT 1').catch((error: { message: string; code: unknown }) => [error.message, error.code]);
          }),
      },
    });
    expect(result.results['r1']).toEqual({ ok: true, value: ['Transaction is closed', undefined] });
    expect(result.records.map((record) => record.text)).toEqual(['BEGIN', 'ROLLBACK']);
  });

  it('a statement on a transaction ended by the idle timeout fails with 25P03, the transaction too', async () => {
    const gate = latch();
    let inside: unknown;
    const result = await run({
      transactionIdleTimeoutMs: 1_000,
      strategy: scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']),
      callers: {
        r1: (db) =>
          db.transaction(async (tx) => {
            await tx.query(insert('lost'));
            await gate.wait;
            inside = await tx.query('SELECT 1').catch((error: { message: string; code: unknown }) => [error.message, error.code]);
          }),
        r2: async (db) => (await rows(db), gate.signal()),
      },
    });
    const timedOut = ['terminating connection due to idle-in-transaction timeout', '25P03'];
    expect(inside).toEqual(timedOut);
    expect(result.results['r1']).toMatchObject({ ok: false, error: { message: timedOut[0], code: timedOut[1] } });
  });

  it('a failed statement does not end the transaction: the function throws, the transaction is rolled back, the engine is free', async () => {
    const result = await run({
      callers: {
        r1: async (db) => {
          const error = await db.transaction(async (tx) => {
            await tx.query(insert('a'));
            await tx.query(insert('b'));
          }).catch((thrown: { code: string }) => thrown.code);
          return [error, await rows(db)];
        },
      },
    });
    expect(result.results['r1']).toEqual({ ok: true, value: ['23505', []] });
    expect(outcomes(result)).toEqual([
      'sql:r1#1 BEGIN {"kind":"done","rowCount":0,"affectedRows":0}',
      'sql:r1#2 INSERT {"kind":"done","rowCount":0,"affectedRows":1}',
      'sql:r1#3 INSERT {"kind":"failed","code":"23505","message":"duplicate key value violates unique constraint \\"keys_pkey\\""}',
      'sql:r1#4 ROLLBACK {"kind":"done","rowCount":0,"affectedRows":0}',
      'sql:r1#5 SELECT {"kind":"done","rowCount":0,"affectedRows":0}',
    ]);
  });

  it("a statement sent on db, not on the transaction's handle, waits for the transaction as a second connection would", async () => {
    const result = await run({
      transactionIdleTimeoutMs: 1_000,
      callers: {
        r1: (db) =>
          db.transaction(async (tx) => {
            await tx.query(insert('inner'));
            return rows(db);
          }),
      },
    });
    expect(result.results['r1']).toMatchObject({ ok: false, error: { code: '25P03' } });
    expect(outcomes(result).map((line) => line.split(' {')[0] + ' ' + JSON.parse(line.slice(line.indexOf('{'))).kind)).toEqual([
      'sql:r1#1 BEGIN done',
      'sql:r1#2 INSERT done',
      'sql:r1#3 SELECT waiting',
      'sql-timeout:tx:r1#1 ROLLBACK transaction-timeout',
      'sql:r1#3 SELECT done',
    ]);
  });
});

describe('what keeps a transaction alive, and what does not', () => {
  it('a statement in flight is not idle: with latencies above the idle timeout both kinds of transaction commit', async () => {
    const result = await runWorld({
      engine, setup, seed: 1, latencyMs: { min: 5, max: 5 }, transactionIdleTimeoutMs: 3,
      callers: {
        r1: async (db) => {
          await db.query('BEGIN');
          await db.query(insert('r1'));
          await db.query('COMMIT');
        },
        r2: (db) => db.transaction(async (tx) => {
          await tx.query(`INSERT INTO keys VALUES ('d2', 'r2')`);
          await tx.query('SELECT 1');
        }),
      },
    });
    expect(result.results).toEqual({ r1: { ok: true, value: undefined }, r2: { ok: true, value: undefined } });
    expect(result.records.filter((record) => record.outcome.kind !== 'done' && record.outcome.kind !== 'waiting')).toEqual([]);
  });

  it("another caller's statement does not keep a BEGIN sent as a statement alive; afterwards its caller's next use fails once, in a transaction too", async () => {
    const began = latch();
    const r2Done = latch();
    const result = await run({
      transactionIdleTimeoutMs: 1_000,
      strategy: scripted(['sql:r1#1', 'sql:r1#2']),
      callers: {
        r1: async (db) => {
          await db.query('BEGIN');
          await db.query(insert('lost'));
          began.signal();
          await r2Done.wait;
          const refused = await db.transaction(() => Promise.resolve('ran')).catch((error: { code: string }) => error.code);
          return [refused, await rows(db)];
        },
        r2: async (db) => {
          await began.wait;
          const seen = await rows(db);
          r2Done.signal();
          return seen;
        },
      },
    });
    expect(result.results).toEqual({ r1: { ok: true, value: ['25P03', []] }, r2: { ok: true, value: [] } });
    expect(outcomes(result).map((line) => line.split(' {')[0])).toEqual([
      'sql:r1#1 BEGIN',
      'sql:r1#2 INSERT',
      'sql:r2#1 SELECT',
      'sql-timeout:tx:sql:r1#1 ROLLBACK',
      'sql:r2#1 SELECT',
      'sql:r1#3 SELECT', // the refused BEGIN never became a statement
    ]);
  });
});

describe("a BEGIN that fails, and a transaction inside its own caller's BEGIN", () => {
  it('a transaction whose BEGIN fails rejects with the engine’s error and frees the engine at once', async () => {
    const failing = {
      freshRun: (...args: Parameters<DatabaseEngine['freshRun']>) => engine.freshRun(...args),
      query: (...args: Parameters<DatabaseEngine['query']>) => engine.query(...args),
      exec: (...args: Parameters<DatabaseEngine['exec']>) => (args[1] === 'BEGIN' ? Promise.reject(Object.assign(new Error('engine down'), { code: '08006' })) : engine.exec(...args)),
      isInTransaction: () => engine.isInTransaction(),
    } as unknown as DatabaseEngine;
    const result = await runWorld({
      engine: failing, setup, seed: 1, latencyMs: { min: 2, max: 2 }, transactionIdleTimeoutMs: 1_000,
      strategy: scripted(['sql:r1#1', 'sql:r2#1']),
      callers: { r1: (db) => db.transaction(() => Promise.resolve('ran')), r2: rows },
    });
    expect(result.results).toEqual({ r1: { ok: false, error: expect.objectContaining({ message: 'engine down', code: '08006' }) }, r2: { ok: true, value: [] } });
    expect(outcomes(result)).toEqual(['sql:r1#1 BEGIN {"kind":"failed","code":"08006","message":"engine down"}', 'sql:r2#1 SELECT {"kind":"done","rowCount":0,"affectedRows":0}']);
    expect(result.nowMs).toBe(2);
  });

  it("a transaction opened inside its caller's own BEGIN waits for it until the idle timeout; the caller's next statement then fails with 25P03", async () => {
    const result = await run({
      transactionIdleTimeoutMs: 1_000,
      callers: {
        r1: async (db) => {
          await db.query('BEGIN');
          return db.transaction(async (tx) => (await tx.query(insert('inner')), 'done'));
        },
      },
    });
    expect(outcomes(result).map((line) => line.split(' {')[0])).toEqual([
      'sql:r1#1 BEGIN',
      'sql:r1#2 BEGIN', // waiting
      'sql-timeout:tx:sql:r1#1 ROLLBACK',
      'sql:r1#2 BEGIN',
      'sql:r1#3 ROLLBACK', // the INSERT was refused: the session had been ended
    ]);
    expect(result.records[1]?.outcome).toEqual({ kind: 'waiting', holder: 'tx:sql:r1#1' });
    expect(result.results['r1']).toMatchObject({ ok: false, error: { code: '25P03' } });
    expect(result.nowMs).toBe(1_004);
  });
});

describe('a statement of a transaction that ends after the transaction did', () => {
  it("arms no idle timeout: it cannot roll back the next caller's transaction", async () => {
    const result = await runWorld({
      engine, setup, seed: 1, latencyMs: { min: 100, max: 100 }, transactionIdleTimeoutMs: 150,
      strategy: scripted(['sql:r1#1', 'sql:r1#3', 'sql:r1#2']),
      callers: {
        // The query is not awaited before the rollback: both are in flight, and the rollback runs first.
        r1: (db) =>
          db.transaction(async (tx) => {
            const late = tx.query('SELECT 1');
            await tx.rollback();
            await late;
            return 'rolled back';
          }),
        r2: (db) =>
          db.transaction(async (tx) => {
            await tx.query(insert('r2'));
            await tx.query('SELECT 1');
            return 'committed';
          }),
      },
    });
    expect(result.results).toEqual({ r1: { ok: true, value: 'rolled back' }, r2: { ok: true, value: 'committed' } });
    expect(outcomes(result).map((line) => line.split(' {')[0])).toEqual([
      'sql:r1#1 BEGIN',
      'sql:r1#3 ROLLBACK',
      'sql:r1#2 SELECT',
      'sql:r2#1 BEGIN',
      'sql:r2#2 INSERT',
      'sql:r2#3 SELECT',
      'sql:r2#4 COMMIT',
    ]);
    const kept = await engine.query<{ key: string }>({ clockMs: () => epochMs, entropy: forkStream('edges', 'inspect') }, 'SELECT key FROM keys');
    expect(kept.rows).toEqual([{ key: 'r2' }]);
  });
});

describe("env.db's handle", () => {
  it('names the caller of each statement as it is issued; is ready, and its close() is a promise that changes nothing', async () => {
    const result = await run({
      callers: {
        r1: async (_db, database) => {
          let request = 'request-1';
          const db = runHandle(database, { caller: () => request, origin: () => 'backend#1' });
          await db.waitReady;
          await db.query('SELECT 1');
          request = 'request-2';
          await db.exec('SELECT 2');
          await db.transaction((tx) => tx.query('SELECT 3'));
          const closed = db.close();
          expect(closed).toBeInstanceOf(Promise);
          await closed;
          return [db.ready, db.closed, await rows(db)];
        },
      },
    });
    expect(result.results['r1']).toEqual({ ok: true, value: [true, false, []] });
    expect(result.records.map((record) => `${record.key} ${record.caller} ${record.text}`)).toEqual([
      'sql:request-1#1 request-1 SELECT 1',
      'sql:request-2#1 request-2 SELECT 2',
      'sql:request-2#2 request-2 BEGIN',
      'sql:request-2#3 request-2 SELECT 3',
      'sql:request-2#4 request-2 COMMIT',
      'sql:request-2#5 request-2 SELECT key FROM keys ORDER BY key',
    ]);
  });

  it("a transaction whose function rolls back, then throws, passes on the function's own error", async () => {
    const result = await run({
      callers: {
        r1: (db) =>
          db.transaction(async (tx) => {
            await tx.query(insert('gone'));
            await tx.rollback();
            throw new Error('gave up');
          }),
      },
    });
    expect(result.results['r1']).toEqual({ ok: false, error: new Error('gave up') });
    expect(result.records.map((record) => record.text.split(' ')[0])).toEqual(['BEGIN', 'INSERT', 'ROLLBACK']);
  });
});

describe('what the database asks of its scheduler', () => {
  it('a statement is an asynchronous event delayed by its drawn latency, withdrawn by nobody', async () => {
    const asked: DatabaseEvent[] = [];
    const database = new SimulatedDatabase({
      engine,
      machine: { clockMs: () => epochMs, entropy: forkStream('edges', 'scheduler') },
      scheduler: { schedule: (event) => (asked.push(event), { cancel: () => undefined }) },
      latency: { stream: forkStream('edges', 'latency'), minMs: 7, maxMs: 7 },
    });
    void database.handle('r1').query('SELECT 1');
    expect(asked.map(({ key, actor, resources, delayMs, timing }) => ({ key, actor, resources, delayMs, timing }))).toEqual([
      { key: 'sql:r1#1', actor: 'sql:r1', resources: ['database'], delayMs: 7, timing: 'async' },
    ]);
  });
});

describe('what a statement record says', () => {
  it('rows returned and rows affected, summed over a script; a failure’s code only when it is a SQLSTATE', async () => {
    const badParser = { parsers: { 23: () => { throw Object.assign(new Error('bad parser'), { code: 42 }); } } };
    const result = await run({
      callers: {
        r1: async (db) => {
          await db.exec(`INSERT INTO keys VALUES ('a', '1'), ('b', '2'), ('c', '3'); SELECT key FROM keys WHERE key < '3'; UPDATE keys SET key = key WHERE key = '1'`);
          return db.query('SELECT 1 AS n', [], badParser).catch((error: Error) => error.message);
        },
      },
    });
    expect(result.results['r1']).toEqual({ ok: true, value: 'bad parser' });
    expect(result.records.map((record) => record.outcome)).toEqual([
      { kind: 'done', rowCount: 2, affectedRows: 4 }, // 3 inserted, 1 updated
      { kind: 'failed', code: undefined, message: 'bad parser' },
    ]);
  });
});
