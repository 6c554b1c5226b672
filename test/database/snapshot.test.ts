import { beforeAll, describe, expect, it } from 'vitest';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import { restoreSnapshot, schemaChangedCode, takeSnapshot, type SqlRunner } from '../../src/database/snapshot.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { epochMs, runWorld, setupOf } from './support.ts';

// What a run starts from: the setup's rows, identities, generated columns and sequences put back by the
// snapshot; the engine's reasons for building again; and what a run leaves in the session that must not reach the next.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
}, 60_000);

const inspector = { clockMs: () => epochMs, entropy: forkStream('inspect', 'snapshot') };
const runner: SqlRunner = { exec: (sql) => engine.exec(inspector, sql), query: (sql) => engine.query(inspector, sql) };

// A child table that sorts before its parent (public < shop), identity and serial keys, a generated column,
// an empty table, a sequence called twice, one never called, and one whose name needs quoting.
const shop = setupOf(
  'snapshot-shop',
  `CREATE SCHEMA shop;
   CREATE TABLE shop.orders (id serial PRIMARY KEY, total int NOT NULL, doubled int GENERATED ALWAYS AS (total * 2) STORED);
   CREATE TABLE public.lines (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id int NOT NULL REFERENCES shop.orders (id), item text NOT NULL);
   CREATE TABLE public.empty (n int);
   CREATE SEQUENCE public."it's" START 10;
   CREATE SEQUENCE public.unused START 5;
   INSERT INTO shop.orders (total) VALUES (3), (4);
   INSERT INTO public.lines (order_id, item) VALUES (1, 'a'), (2, 'b'), (2, 'c');
   SELECT nextval('public."it''s"'); SELECT nextval('public."it''s"');`,
);

const churn = async (db: DatabaseHandle) => {
  await db.exec(`INSERT INTO shop.orders (total) VALUES (9); INSERT INTO public.lines (order_id, item) VALUES (3, 'z');
    INSERT INTO public.empty VALUES (1); UPDATE shop.orders SET total = 100 WHERE id = 1;
    SELECT nextval('public."it''s"'), nextval('public.unused'), nextval('public.unused');`);
};
const observe = async (db: DatabaseHandle) => {
  const [orders, lines, empty, sequences] = await db.exec(`SELECT id, total, doubled FROM shop.orders ORDER BY id;
    SELECT id, order_id, item FROM public.lines ORDER BY id; SELECT count(*)::int AS n FROM public.empty;
    SELECT nextval('public."it''s"') AS quoted, nextval('public.unused') AS unused;`);
  const order = (await db.query<{ id: number; doubled: number }>('INSERT INTO shop.orders (total) VALUES (7) RETURNING id, doubled')).rows;
  const line = (await db.query<{ id: number }>(`INSERT INTO public.lines (order_id, item) VALUES (1, 'new') RETURNING id`)).rows;
  return { orders: orders?.rows, lines: lines?.rows, empty: empty?.rows, sequences: sequences?.rows, order, line };
};

describe('the snapshot puts the setup back', () => {
  it('rows, identity and serial keys, generated columns and every sequence, called or not, quoted or not', async () => {
    await runWorld({ engine, setup: shop, seed: 1, callers: { r1: churn } });
    const run = await runWorld({ engine, setup: shop, seed: 2, callers: { r1: observe } });
    expect(run.fresh.kind).toBe('restored');
    expect(run.results['r1']).toEqual({
      ok: true,
      value: {
        orders: [{ id: 1, total: 3, doubled: 6 }, { id: 2, total: 4, doubled: 8 }],
        lines: [{ id: 1, order_id: 1, item: 'a' }, { id: 2, order_id: 2, item: 'b' }, { id: 3, order_id: 2, item: 'c' }],
        empty: [{ n: 0 }],
        sequences: [{ quoted: 12, unused: 5 }],
        order: [{ id: 3, doubled: 14 }],
        line: [{ id: 4 }],
      },
    });
  });

  it('the script: the copies of the non-empty tables, without generated columns, and the sequences as they were', async () => {
    await runWorld({ engine, setup: shop, seed: 3, callers: {} });
    try {
      // Taken again on the database the setup left (just restored): the same copies the engine holds.
      const snapshot = await takeSnapshot(runner);
      expect({ tables: snapshot.tables, rows: snapshot.rows }).toEqual({ tables: 3, rows: 5 });
      const lines = snapshot.restoreScript.split('\n');
      expect(lines[0]).toBe('SET TRANSACTION READ WRITE;');
      expect(lines.filter((line) => /^(TRUNCATE|INSERT|SELECT setval|SET session_replication_role)/.test(line))).toEqual([
        'SET session_replication_role = replica;',
        'TRUNCATE TABLE public.empty, public.lines, shop.orders;',
        'INSERT INTO public.lines (id, order_id, item) OVERRIDING SYSTEM VALUE SELECT id, order_id, item FROM rtcsim_snapshot.t1;',
        'INSERT INTO shop.orders (id, total) OVERRIDING SYSTEM VALUE SELECT id, total FROM rtcsim_snapshot.t2;',
        `SELECT setval('public."it''s"', 11, true);`,
        `SELECT setval('public.lines_id_seq', 3, true);`,
        `SELECT setval('public.unused', 5, false);`,
        `SELECT setval('shop.orders_id_seq', 2, true);`,
        'SET session_replication_role = origin;',
      ]);
    } finally {
      // Whatever the copies became, the engine builds its own again.
      await engine.freshRun(setupOf('snapshot-after-direct', 'SELECT 1'), inspector);
    }
  });

  it('restoreSnapshot: true when restored, false when the schema changed, and any other error passed on', async () => {
    const script = (restoreScript: string) => ({ restoreScript, tables: 0, rows: 0 });
    expect(await restoreSnapshot(runner, script('SELECT 1;'), 'SELECT 2;')).toBe(true);
    const changed = `DO $$ BEGIN RAISE EXCEPTION 'changed' USING ERRCODE = '${schemaChangedCode}'; END $$;`;
    expect(await restoreSnapshot(runner, script(changed), 'SELECT 2;')).toBe(false);
    await expect(restoreSnapshot(runner, script('SELECT 1;'), 'SELECT 1/0;')).rejects.toMatchObject({ code: '22012' });
    expect(engine.isInTransaction()).toBe(false);
  });
});

describe('a build starts from an empty public schema, as a new database has', () => {
  it('everyone may use it, no one but its owner create in it', async () => {
    const run = await runWorld({
      engine, setup: setupOf('snapshot-public', 'CREATE TABLE public.anything (n int)'), seed: 1,
      callers: { r1: async (db) => (await db.query(`SELECT has_schema_privilege('public', 'public', 'USAGE') AS usage, has_schema_privilege('public', 'public', 'CREATE') AS create`)).rows },
    });
    expect(run.results['r1']).toEqual({ ok: true, value: [{ usage: true, create: false }] });
  });
});

describe('what a run leaves does not reach the next run', () => {
  const notes = setupOf('snapshot-notes', 'CREATE TABLE notes (n int NOT NULL); INSERT INTO notes VALUES (1);');
  const count = async (db: DatabaseHandle) => (await db.query<{ n: number }>('INSERT INTO notes VALUES (2) RETURNING (SELECT count(*)::int FROM notes) AS n')).rows[0]?.n;

  it('a session made read-only by default: the next run restores and writes as usual', async () => {
    await runWorld({ engine, setup: notes, seed: 1, callers: { r1: (db) => db.exec('SET default_transaction_read_only = on') } });
    const next = await runWorld({ engine, setup: notes, seed: 2, callers: { r1: count } });
    expect(next.fresh.kind).toBe('restored');
    expect(next.results['r1']).toEqual({ ok: true, value: 1 });
  });

  it('a setting of a run that also changed the schema does not reach the setup built again', async () => {
    const zone = setupOf('snapshot-zone', `CREATE TABLE zone AS SELECT current_setting('TimeZone') AS name;`);
    const before = await runWorld({ engine, setup: zone, seed: 1, callers: { r1: async (db) => (await db.query('SELECT name FROM zone')).rows } });
    await runWorld({ engine, setup: zone, seed: 2, callers: { r1: (db) => db.exec(`SET TIME ZONE 'Asia/Tokyo'; CREATE TABLE stray (n int);`) } });
    const after = await runWorld({ engine, setup: zone, seed: 3, callers: { r1: async (db) => (await db.query('SELECT name FROM zone')).rows } });
    expect(after.fresh).toMatchObject({ kind: 'built', reason: 'schema-changed' });
    expect(after.results['r1']).toEqual(before.results['r1']);
    expect(before.results['r1']).not.toEqual({ ok: true, value: [{ name: 'Asia/Tokyo' }] });
  });
});
