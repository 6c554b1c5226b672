import { beforeAll, describe, expect, it } from 'vitest';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { epochMs, runWorld, scripted } from './support.ts';
import { insert, never, latch, outcomes, rows, run, setup } from './edges-support.ts';

// Transactions on the simulated database: what keeps one alive and what does not, the errors a caller reads
// when its transaction or its session is gone, a failing BEGIN, and statements that outlive their transaction.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
}, 60_000);

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

