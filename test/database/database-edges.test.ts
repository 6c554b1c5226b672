import { beforeAll, describe, expect, it } from 'vitest';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import { runHandle } from '../../src/database/run-handle.ts';
import { SimulatedDatabase } from '../../src/database/database.ts';
import type { DatabaseEvent } from '../../src/database/scheduling.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { epochMs, scripted } from './support.ts';
import { insert, never, latch, outcomes, recording, rows, run } from './edges-support.ts';

// The simulated database's edges: the events the kernel sees, the idle timeout's default, statements that
// wait and resume, what is pending when a run stops, env.db's handle, and what a statement record says.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
}, 60_000);

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
