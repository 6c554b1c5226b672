import { beforeAll, describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import { hostParams } from '../../src/database/handles.ts';
import { DatabaseComponentError } from '../../src/database/records.ts';
import { runWorld, scripted, setupOf } from './support.ts';

// env.db on PGlite: a transaction's handle (exec, rollback, closed), what a throwing transaction leaves, and
// parameters from another realm made the host's.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
}, 60_000);

const setup = setupOf('handles-test', 'CREATE TABLE handle_rows (n int)');
const count = async (db: Parameters<Parameters<typeof runWorld>[0]['callers'][string]>[0]) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM handle_rows')).rows[0]?.n;

describe('env.db on PGlite', () => {
  it('is ready and open; a transaction runs exec, reports closed after its own rollback, and returns its value without a COMMIT', async () => {
    const seen: unknown[] = [];
    const run = await runWorld({
      engine, setup, seed: 1,
      callers: {
        c1: async (db) => {
          seen.push(db.ready, db.closed);
          const value = await db.transaction(async (transaction) => {
            await transaction.exec('INSERT INTO handle_rows VALUES (1); INSERT INTO handle_rows VALUES (2)');
            seen.push(transaction.closed);
            await transaction.rollback();
            seen.push(transaction.closed);
            return 'kept';
          });
          seen.push(value, await count(db));
        },
      },
    });
    expect(run.results['c1']).toEqual({ ok: true, value: undefined });
    expect(seen).toEqual([true, false, false, true, 'kept', 0]);
    expect(run.records.map((record) => record.text)).toEqual(['BEGIN', 'INSERT INTO handle_rows VALUES (1); INSERT INTO handle_rows VALUES (2)', 'ROLLBACK', 'SELECT count(*)::int AS n FROM handle_rows']);
  }, 60_000);

  it('a transaction whose function throws is rolled back and the error passed on; one that commits keeps its rows', async () => {
    const run = await runWorld({
      engine, setup, seed: 2,
      callers: {
        c1: async (db) => {
          await db.transaction(async (transaction) => void (await transaction.query('INSERT INTO handle_rows VALUES ($1)', [1])));
          const thrown = await db.transaction(async (transaction) => {
            await transaction.query('INSERT INTO handle_rows VALUES ($1)', [2]);
            throw new Error('changed my mind');
          }).catch((error: unknown) => error);
          return [(thrown as Error).message, await count(db)];
        },
      },
    });
    expect(run.results['c1']).toEqual({ ok: true, value: ['changed my mind', 1] });
    expect(run.records.map((record) => record.text).filter((text) => /^(BEGIN|COMMIT|ROLLBACK)$/.test(text))).toEqual(['BEGIN', 'COMMIT', 'BEGIN', 'ROLLBACK']);
  }, 60_000);

  it('a transaction ended by the idle timeout throws its error when its function returns, and does not COMMIT', async () => {
    let r2Done: () => void = () => undefined;
    const afterR2 = new Promise<void>((resolve) => (r2Done = resolve));
    const run = await runWorld({
      engine, setup, seed: 3, transactionIdleTimeoutMs: 1_000, strategy: scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']),
      callers: {
        r1: (db) => db.transaction(async (transaction) => {
          await transaction.query('INSERT INTO handle_rows VALUES ($1)', [1]);
          await afterR2;
          return 'late';
        }),
        r2: async (db) => {
          const rows = await count(db);
          r2Done();
          return rows;
        },
      },
    });
    expect(run.results['r2']).toEqual({ ok: true, value: 0 });
    expect(run.results['r1']).toMatchObject({ ok: false, error: { code: '25P03' } });
    expect(run.records.some((record) => record.text === 'COMMIT')).toBe(false);
  }, 60_000);

  it("parameters from another realm become the host's; the host's and plain values pass as they are", () => {
    const foreign = runInNewContext('[new Date(0), new Uint8Array([1, 2]), [new Date(1000)]]') as unknown[];
    const date = new Date(5);
    const bytes = new Uint8Array([3]);
    const plain = { a: 1 };
    const made = hostParams([...foreign, date, bytes, plain, null, 'text', 7]) ?? [];
    expect(made[0]).toBeInstanceOf(Date);
    expect((made[0] as Date).getTime()).toBe(0);
    expect(made[1]).toBeInstanceOf(Uint8Array);
    expect([...(made[1] as Uint8Array)]).toEqual([1, 2]);
    expect((made[2] as unknown[])[0]).toBeInstanceOf(Date);
    expect(made.slice(3)).toEqual([date, bytes, plain, null, 'text', 7]);
    expect(made[3]).toBe(date);
    expect(made[4]).toBe(bytes);
    expect(made[5]).toBe(plain);
    expect(hostParams(undefined)).toBeUndefined();
  });

  it("the component's own errors are named as the engine's are", () => {
    const error = new DatabaseComponentError('idle in transaction', '25P03');
    expect([error.name, error.code, error.message]).toEqual(['DatabaseError', '25P03', 'idle in transaction']);
  });
});
