import { describe, expect, it } from 'vitest';
import { sessionHandle } from '../../src/database/postgres/handle.ts';
import { sharedPostgresEngine } from '../../src/database/postgres/engine.ts';
import { SessionDatabase } from '../../src/database/postgres/sessions.ts';
import type { DatabaseEvent } from '../../src/database/scheduling.ts';
import { forkStream } from '../../src/kernel/random.ts';

const machine = { clockMs: () => Date.UTC(2026, 0, 1), entropy: forkStream(1, 'entropy') };

/** A run's database whose events wait in a list, so that a test chooses which caller's statement runs next. */
async function scriptedDatabase(setupSql: string, sessions: number) {
  const engine = await sharedPostgresEngine();
  await engine.freshRun({ key: setupSql, machine, run: async (db) => void (await db.exec(setupSql)) }, 'test-seed');
  const events: DatabaseEvent[] = [];
  const records: string[] = [];
  const database = new SessionDatabase({
    engine,
    sessions: await engine.sessions(sessions),
    poolSize: sessions,
    machine,
    scheduler: { schedule: (event) => (events.push(event), { cancel: () => events.splice(events.indexOf(event), 1) }) },
    latency: { stream: forkStream(1, 'latency'), minMs: 1, maxMs: 1 },
    onStatement: (record) => records.push(`${record.key} ${record.text} → ${record.outcome.kind === 'failed' ? `failed ${record.outcome.code}` : record.outcome.kind === 'waiting' ? `waits for ${record.outcome.holder}` : record.outcome.kind}`),
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  /** Runs the next statement of each caller in `order`, then every statement left, first issued first. */
  const run = async (order: readonly string[]): Promise<void> => {
    await settle();
    for (const caller of [...order, ...Array<string>(40).fill('')]) {
      const index = events.findIndex((event) => caller === '' || event.actor === `sql:${caller}`);
      if (index === -1) {
        if (caller === '') break;
        throw new Error(`no statement of ${caller} is waiting to run`);
      }
      const [event] = events.splice(index, 1);
      await event?.start();
      event?.finish({ ok: true, value: undefined });
      for (let turn = 0; turn < 5; turn++) await settle();
    }
  };
  return { database, records, run };
}

const accounts = 'CREATE TABLE accounts (id int PRIMARY KEY, n int NOT NULL); INSERT INTO accounts VALUES (1, 0), (2, 0);';

// Two transfers that lock the same two rows in opposite orders.
async function deadlock(): Promise<{ records: string[]; outcomes: string[] }> {
  const { database, records, run } = await scriptedDatabase(accounts, 2);
  const outcomes: string[] = [];
  const transfer = (caller: string, first: number, second: number) =>
    sessionHandle(database, { caller: () => caller, origin: () => 'backend#1' })
      .transaction(async (tx) => {
        await tx.query('UPDATE accounts SET n = n + 1 WHERE id = $1', [first]);
        await tx.query('UPDATE accounts SET n = n + 1 WHERE id = $1', [second]);
      })
      .then(
        () => outcomes.push(`${caller} committed`),
        (error: { code?: string }) => outcomes.push(`${caller} failed ${error.code}`),
      );
  void transfer('a', 1, 2);
  void transfer('b', 2, 1);
  await run(['a', 'b', 'a', 'b', 'a', 'b']);
  return { records, outcomes };
}

describe('sessions at READ COMMITTED on a real server', () => {
  it('a statement waiting for a lock is an outcome of its step; the deadlock victim is the session that closed the cycle, every time', async () => {
    const first = await deadlock();
    expect(first.records).toContain('sql:a#3 UPDATE accounts SET n = n + 1 WHERE id = $1 → waits for a lock held by tx:b#1 (session 2)');
    expect(first.records).toContain('sql:b#3 UPDATE accounts SET n = n + 1 WHERE id = $1 → failed 40P01');
    // a's waiting statement goes through in b's failing step, right after it.
    const failedAt = first.records.indexOf('sql:b#3 UPDATE accounts SET n = n + 1 WHERE id = $1 → failed 40P01');
    expect(first.records[failedAt + 1]).toBe('sql:a#3 UPDATE accounts SET n = n + 1 WHERE id = $1 → done');
    expect(first.outcomes.sort()).toEqual(['a committed', 'b failed 40P01']);
    const second = await deadlock();
    expect(second.records).toEqual(first.records);
  }, 30_000);

  it('two transactions interleave statement by statement: both read nothing, both insert', async () => {
    const { database, records, run } = await scriptedDatabase('CREATE TABLE keys (document text NOT NULL, version int NOT NULL);', 2);
    const create = (caller: string) =>
      sessionHandle(database, { caller: () => caller, origin: () => 'backend#1' }).transaction(async (tx) => {
        const found = await tx.query('SELECT version FROM keys WHERE document = $1', ['d1']);
        if (found.rows.length === 0) await tx.query('INSERT INTO keys VALUES ($1, 1)', ['d1']);
      });
    const done = Promise.all([create('a'), create('b')]);
    await run(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    await done;
    const count = sessionHandle(database, { caller: () => 'check', origin: () => 'backend#1' }).query<{ count: number }>('SELECT count(*)::int AS count FROM keys');
    await run([]);
    expect((await count).rows[0]?.count).toBe(2);
    expect(records.filter((record) => record.includes('INSERT'))).toHaveLength(2);
  }, 30_000);

  it('one session: the second transaction waits for a free session, and then sees the first one\'s row', async () => {
    const { database, records, run } = await scriptedDatabase('CREATE TABLE keys (document text NOT NULL, version int NOT NULL);', 1);
    const inserted: string[] = [];
    const create = (caller: string) =>
      sessionHandle(database, { caller: () => caller, origin: () => 'backend#1' }).transaction(async (tx) => {
        const found = await tx.query('SELECT version FROM keys WHERE document = $1', ['d1']);
        if (found.rows.length === 0) {
          await tx.query('INSERT INTO keys VALUES ($1, 1)', ['d1']);
          inserted.push(caller);
        }
      });
    const done = Promise.all([create('a'), create('b')]);
    await run(['a', 'b']);
    await done;
    expect(records).toContain('sql:b#1 BEGIN → waits for a free session of the pool');
    expect(inserted).toEqual(['a']);
  }, 30_000);

  it('the connections of a crashed process close: its transaction is rolled back and the waiter of the other process goes through', async () => {
    const { database, records, run } = await scriptedDatabase(accounts, 2);
    const handle = (caller: string, origin: string) => sessionHandle(database, { caller: () => caller, origin: () => origin });
    let crashedSettled = false;
    void handle('a', 'backend#1')
      .transaction(async (tx) => {
        await tx.query('UPDATE accounts SET n = n + 1 WHERE id = 1');
        await new Promise(() => undefined);
      })
      .finally(() => (crashedSettled = true));
    const survivor = handle('b', 'backend-2#1').query('UPDATE accounts SET n = n + 10 WHERE id = 1');
    await run(['a', 'a', 'b']);
    expect(records).toContain('sql:b#1 UPDATE accounts SET n = n + 10 WHERE id = 1 → waits for a lock held by tx:a#1 (session 1)');
    database.disconnect('backend#1');
    await run([]);
    await survivor;
    expect(records.at(-1)).toBe('sql:b#1 UPDATE accounts SET n = n + 10 WHERE id = 1 → done');
    const total = handle('check', 'backend-2#1').query<{ n: number }>('SELECT n FROM accounts WHERE id = 1');
    await run([]);
    expect((await total).rows[0]?.n).toBe(10);
    expect(crashedSettled).toBe(false);
  }, 30_000);
});
