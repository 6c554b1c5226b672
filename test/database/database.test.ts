import { beforeAll, describe, expect, it } from 'vitest';
import knexFactory from 'knex';
import ClientPgLite from 'knex-pglite';
import { forkStream } from '../../src/kernel/random.ts';
import { sharedEngine, type DatabaseEngine, type DirectDatabase } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import { epochMs, runWorld, scripted, setupOf } from './support.ts';

// One engine for the whole file: a cold start costs seconds, a fresh run about a millisecond.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
});

const keysTable = `CREATE TABLE keys (document text NOT NULL, created timestamptz NOT NULL DEFAULT now(), key text NOT NULL);`;
const noConstraint = setupOf('keys-no-constraint', keysTable);
const uniqueDocument = setupOf('keys-unique', `${keysTable} CREATE UNIQUE INDEX keys_document ON keys (document);`);

/** The race of the seeds, in SQL: look for the document's key, insert one when there is none. */
async function checkThenInsert(db: DatabaseHandle, key: string): Promise<string> {
  const found = await db.query<{ key: string }>('SELECT key FROM keys WHERE document = $1', ['d1']);
  if (found.rows[0] !== undefined) return found.rows[0].key;
  await db.query('INSERT INTO keys (document, key) VALUES ($1, $2)', ['d1', key]);
  return key;
}

const serial = scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']);
const interleaved = scripted(['sql:r1#1', 'sql:r2#1', 'sql:r1#2', 'sql:r2#2']);
const bothCheckThenInsert = { r1: (db: DatabaseHandle) => checkThenInsert(db, 'k1'), r2: (db: DatabaseHandle) => checkThenInsert(db, 'k2') };

async function keyRows(): Promise<string[]> {
  const machine = { clockMs: () => epochMs, entropy: forkStream('inspect', 'database') };
  const result = await engine.query<{ key: string }>(machine, 'SELECT key FROM keys ORDER BY key');
  return result.rows.map((row) => row.key);
}

describe('each statement is an event: the scheduler picks the interleaving', () => {
  it('check-then-insert without a unique constraint: one row when serial, two when the checks interleave', async () => {
    const one = await runWorld({ engine, setup: noConstraint, seed: 1, strategy: serial, callers: bothCheckThenInsert });
    expect(one.results).toEqual({ r1: { ok: true, value: 'k1' }, r2: { ok: true, value: 'k1' } });
    expect(await keyRows()).toEqual(['k1']);

    const two = await runWorld({ engine, setup: noConstraint, seed: 1, strategy: interleaved, callers: bothCheckThenInsert });
    expect(two.results).toEqual({ r1: { ok: true, value: 'k1' }, r2: { ok: true, value: 'k2' } });
    expect(await keyRows()).toEqual(['k1', 'k2']);
    expect(two.records.map((record) => `${record.key} ${record.outcome.kind}`)).toEqual(['sql:r1#1 done', 'sql:r2#1 done', 'sql:r1#2 done', 'sql:r2#2 done']);
  });

  it('with a unique constraint the second insert fails with the engine’s own 23505', async () => {
    const run = await runWorld({ engine, setup: uniqueDocument, seed: 1, strategy: interleaved, callers: bothCheckThenInsert });
    const r2 = run.results['r2'];
    expect(r2).toMatchObject({ ok: false, error: { code: '23505' } });
    expect(String((r2 as { error: Error }).error.message)).toContain('keys_document');
    expect(run.records.at(-1)?.outcome).toMatchObject({ kind: 'failed', code: '23505' });
    expect(await keyRows()).toEqual(['k1']);
  });

  it('ON CONFLICT and RETURNING are the engine’s own', async () => {
    const insertOrKeep = (key: string) => async (db: DatabaseHandle) =>
      (await db.query<{ key: string }>('INSERT INTO keys (document, key) VALUES ($1, $2) ON CONFLICT (document) DO NOTHING RETURNING key', ['d1', key])).rows;
    const keep = await runWorld({ engine, setup: uniqueDocument, seed: 1, strategy: scripted(['sql:r1#1']), callers: { r1: insertOrKeep('k1'), r2: insertOrKeep('k2') } });
    expect(keep.results).toEqual({ r1: { ok: true, value: [{ key: 'k1' }] }, r2: { ok: true, value: [] } });

    const replace = (key: string) => async (db: DatabaseHandle) =>
      (await db.query<{ key: string }>('INSERT INTO keys (document, key) VALUES ($1, $2) ON CONFLICT (document) DO UPDATE SET key = excluded.key RETURNING key', ['d1', key])).rows;
    const upsert = await runWorld({ engine, setup: uniqueDocument, seed: 1, strategy: scripted(['sql:r1#1']), callers: { r1: replace('k1'), r2: replace('k2') } });
    expect(upsert.results['r2']).toEqual({ ok: true, value: [{ key: 'k2' }] });
    expect(await keyRows()).toEqual(['k2']);
  });
});

describe('each run starts from the setup’s database', () => {
  const seeded = setupOf(
    'seeded',
    `CREATE TABLE notes (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL);
     INSERT INTO notes (body) VALUES ('from setup');`,
  );
  const addNote = async (db: DatabaseHandle) => (await db.query<{ id: number }>(`INSERT INTO notes (body) VALUES ('from run') RETURNING id`)).rows[0]?.id;
  const countNotes = async (db: DatabaseHandle) => (await db.query<{ count: number }>('SELECT count(*)::int AS count FROM notes')).rows[0]?.count;

  it('a run’s rows are gone and the setup’s rows and sequences are back', async () => {
    const first = await runWorld({ engine, setup: seeded, seed: 1, callers: { r1: addNote } });
    const second = await runWorld({ engine, setup: seeded, seed: 2, callers: { r1: addNote } });
    expect(first.results['r1']).toEqual({ ok: true, value: 2 });
    expect(second.fresh.kind).toBe('restored');
    expect(second.results['r1']).toEqual({ ok: true, value: 2 });
    const third = await runWorld({ engine, setup: seeded, seed: 3, callers: { r1: countNotes } });
    expect(third.results['r1']).toEqual({ ok: true, value: 1 });
  });

  it('a setup may use a transaction; its rows are the run’s starting point', async () => {
    const inTransaction = {
      ...seeded,
      key: 'seeded-in-transaction',
      run: async (database: DirectDatabase) => {
        await database.exec(`CREATE TABLE notes (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)`);
        await database.transaction(async (tx) => {
          await tx.query(`INSERT INTO notes (body) VALUES ($1), ($2)`, ['one', 'two']);
        });
      },
    };
    const run = await runWorld({ engine, setup: inTransaction, seed: 1, callers: { r1: countNotes } });
    expect(run.results['r1']).toEqual({ ok: true, value: 2 });
  });

  it('a run that changes the schema makes the next run build the setup again', async () => {
    await runWorld({ engine, setup: seeded, seed: 1, callers: { r1: (db) => db.exec('CREATE TABLE stray (id int); ALTER TABLE notes ADD COLUMN extra text;') } });
    const next = await runWorld({ engine, setup: seeded, seed: 2, callers: { r1: (db) => db.query(`SELECT to_regclass('stray') AS stray, count(*)::int AS notes FROM notes`) } });
    expect(next.fresh).toMatchObject({ kind: 'built', reason: 'schema-changed' });
    expect(next.results['r1']).toMatchObject({ ok: true, value: { rows: [{ stray: null, notes: 1 }] } });
  });
});

describe('a run’s answers do not depend on the runs before it', () => {
  const heap = setupOf('heap', `CREATE TABLE items (n int NOT NULL, body text NOT NULL); INSERT INTO items VALUES (0, 'seed');`);
  const churn = async (db: DatabaseHandle) => {
    await db.exec(`INSERT INTO items SELECT n, repeat('x', 200) FROM generate_series(1, 300) AS n; DELETE FROM items WHERE n % 7 <> 0;`);
    await db.exec(`UPDATE items SET body = 'updated' WHERE n % 2 = 0;`);
  };
  // No ORDER BY: rows come back in their physical order (ctid: page, slot), which a reset must make the
  // same every run — with DELETE instead of TRUNCATE the heap keeps growing and its free space depends on
  // the runs before.
  const unordered = async (db: DatabaseHandle) => {
    await db.exec(`INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c'); DELETE FROM items WHERE n = 2; INSERT INTO items VALUES (4, 'd');`);
    return (await db.query<{ n: number; ctid: string }>('SELECT ctid, n FROM items')).rows.map((row) => `${row.n}@${row.ctid}`);
  };

  it('rows come back in the same physical places after a history of churn as after none', async () => {
    const alone = await runWorld({ engine, setup: heap, seed: 5, callers: { r1: unordered } });
    for (let seed = 1; seed <= 3; seed++) await runWorld({ engine, setup: heap, seed, callers: { r1: churn } });
    const afterChurn = await runWorld({ engine, setup: heap, seed: 5, callers: { r1: unordered } });
    expect(alone.results['r1']).toEqual({ ok: true, value: ['0@(0,1)', '1@(0,2)', '3@(0,4)', '4@(0,5)'] });
    expect(afterChurn.results['r1']).toEqual(alone.results['r1']);
  });
});

describe('SQL now(), random() and gen_random_uuid() answer from the backend machine', () => {
  const withUuids = setupOf('uuids', `CREATE TABLE things (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), made timestamptz DEFAULT now(), n int);`);
  const draw = async (db: DatabaseHandle) => {
    const drawn = await db.query(`SELECT now() AS now, clock_timestamp() AS clock, current_timestamp AS current, random() AS random, gen_random_uuid() AS uuid`);
    const inserted = await db.query(`INSERT INTO things (n) VALUES (1), (2) RETURNING id, made`);
    return [drawn.rows, inserted.rows];
  };
  const runSeed = (seed: number) => runWorld({ engine, setup: withUuids, seed, latencyMs: { min: 3, max: 3 }, callers: { r1: draw } });

  it('the same seed twice gives identical answers, uuids included, whatever ran between; another seed differs', async () => {
    const first = await runSeed(7);
    const other = await runSeed(8);
    const again = await runSeed(7);
    expect(again.results).toEqual(first.results);
    expect(other.results).not.toEqual(first.results);
    const [[drawn]] = (first.results['r1'] as { value: [[Record<string, unknown>]] }).value;
    // The first statement ran at virtual time 3 ms: all three clocks read the simulated clock.
    expect(drawn).toMatchObject({ now: new Date(epochMs + 3), clock: new Date(epochMs + 3), current: new Date(epochMs + 3) });
    const uuids = JSON.stringify([first.results, other.results]).match(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g);
    expect(new Set(uuids).size).toBe(6);
  });
});

/** r1 takes the engine in its first two statements, r2 then arrives; transactions idle 1 s are rolled back. */
function runIdleTimeout(callers: Record<string, (db: DatabaseHandle) => Promise<unknown>>) {
  return runWorld({ engine, setup: uniqueDocument, seed: 1, transactionIdleTimeoutMs: 1_000, strategy: scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']), callers });
}

describe('transactions hold the engine', () => {
  const transfer = async (db: DatabaseHandle) =>
    db.transaction(async (tx) => {
      const found = await tx.query<{ key: string }>('SELECT key FROM keys WHERE document = $1', ['d1']);
      if (found.rows.length === 0) await tx.query('INSERT INTO keys (document, key) VALUES ($1, $2)', ['d1', 'k1']);
      return 'committed';
    });

  it('another caller’s statement waits for COMMIT, then runs', async () => {
    const run = await runWorld({
      engine,
      setup: uniqueDocument,
      seed: 1,
      strategy: scripted(['sql:r1#1', 'sql:r1#2', 'sql:r2#1']),
      callers: { r1: transfer, r2: (db) => checkThenInsert(db, 'k2') },
    });
    expect(run.results).toEqual({ r1: { ok: true, value: 'committed' }, r2: { ok: true, value: 'k1' } });
    expect(run.records.map((record) => `${record.key} ${record.text.split(' ')[0]} ${record.outcome.kind}`)).toEqual([
      'sql:r1#1 BEGIN done',
      'sql:r1#2 SELECT done',
      'sql:r2#1 SELECT waiting',
      'sql:r1#3 INSERT done',
      'sql:r1#4 COMMIT done',
      'sql:r2#1 SELECT done',
    ]);
  });

  it('a transaction whose code never settles is rolled back by the idle timeout (25P03) and frees the engine', async () => {
    const never = (db: DatabaseHandle) =>
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO keys (document, key) VALUES ('d1', 'lost')`);
        await new Promise(() => {});
      });
    const run = await runIdleTimeout({ r1: never, r2: (db) => checkThenInsert(db, 'k2') });
    expect(run.end.kind).toBe('quiescent');
    expect(run.results).toEqual({ r1: { pending: true }, r2: { ok: true, value: 'k2' } });
    expect(run.records.map((record) => `${record.key} ${record.outcome.kind}`)).toContain('sql-timeout:tx:r1#1 transaction-timeout');
    expect(run.database.pending()).toEqual([]);
    expect(await keyRows()).toEqual(['k2']);
  });
});

describe('a BEGIN sent as a statement (as knex and Kysely do) is bounded too', () => {
  it('the idle timeout rolls it back, frees the engine, and the caller’s next statement fails with 25P03', async () => {
    let r2Done: () => void = () => {};
    const afterR2 = new Promise<void>((resolve) => (r2Done = resolve));
    const run = await runIdleTimeout({
      r1: async (db) => {
        await db.query('BEGIN');
        await db.query(`INSERT INTO keys (document, key) VALUES ('d1', 'lost')`);
        await afterR2;
        return db.query('COMMIT');
      },
      r2: async (db) => {
        const key = await checkThenInsert(db, 'k2');
        r2Done();
        return key;
      },
    });
    expect(run.results['r2']).toEqual({ ok: true, value: 'k2' });
    expect(run.results['r1']).toMatchObject({ ok: false, error: { code: '25P03' } });
    expect(run.records.map((record) => `${record.key} ${record.outcome.kind}`)).toEqual([
      'sql:r1#1 done',
      'sql:r1#2 done',
      'sql:r2#1 waiting',
      'sql-timeout:tx:sql:r1#1 transaction-timeout',
      'sql:r2#1 done',
      'sql:r2#2 done',
    ]);
    expect(await keyRows()).toEqual(['k2']);
  });
});

describe('knex sits on top through knex-pglite', () => {
  const knexCheckThenInsert = (key: string) => async (db: DatabaseHandle) => {
    const knex = knexFactory({ client: ClientPgLite, connection: { pglite: db } as never });
    try {
      const found = await knex('keys').where({ document: 'd1' }).first('key');
      if (found !== undefined) return found.key as string;
      await knex('keys').insert({ document: 'd1', key });
      return key;
    } finally {
      await knex.destroy();
    }
  };

  it('the same race through knex: the interleaved order makes the second insert fail with 23505', async () => {
    const run = await runWorld({
      engine,
      setup: uniqueDocument,
      seed: 1,
      strategy: scripted(['sql:r1#1', 'sql:r2#1', 'sql:r1#2', 'sql:r2#2']),
      callers: { r1: knexCheckThenInsert('k1'), r2: knexCheckThenInsert('k2') },
    });
    expect(run.results['r2']).toMatchObject({ ok: false, error: { code: '23505' } });
    expect(run.records.map((record) => `${record.key} ${record.text.split(' ')[0]} ${record.outcome.kind}`)).toEqual([
      'sql:r1#1 select done', // knex's own version check
      'sql:r2#1 select done',
      'sql:r1#2 select done',
      'sql:r2#2 select done',
      'sql:r1#3 insert done',
      'sql:r2#3 insert failed',
    ]);
  });

  it('a knex transaction (BEGIN sent as a statement) holds the engine until its COMMIT', async () => {
    const inTransaction = async (db: DatabaseHandle) => {
      const knex = knexFactory({ client: ClientPgLite, connection: { pglite: db } as never });
      try {
        return await knex.transaction(async (trx) => {
          const found = await trx('keys').where({ document: 'd1' }).first('key');
          if (found === undefined) await trx('keys').insert({ document: 'd1', key: 'k1' });
          return 'committed';
        });
      } finally {
        await knex.destroy();
      }
    };
    const run = await runWorld({
      engine,
      setup: uniqueDocument,
      seed: 1,
      strategy: scripted(['sql:r1#1', 'sql:r1#2', 'sql:r1#3', 'sql:r2#1']),
      callers: { r1: inTransaction, r2: (db) => checkThenInsert(db, 'k2') },
    });
    expect(run.results).toEqual({ r1: { ok: true, value: 'committed' }, r2: { ok: true, value: 'k1' } });
    expect(run.records.map((record) => `${record.key} ${record.text.split(/[ ;]/)[0]} ${record.outcome.kind}`)).toEqual([
      'sql:r1#1 select done',
      'sql:r1#2 BEGIN done',
      'sql:r1#3 select done',
      'sql:r2#1 SELECT waiting',
      'sql:r1#4 insert done',
      'sql:r1#5 COMMIT done',
      'sql:r2#1 SELECT done',
    ]);
  });
});
