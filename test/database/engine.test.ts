import { beforeAll, describe, expect, it } from 'vitest';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { epochMs, runWorld, setupOf } from './support.ts';

// The engine between runs: why it builds the setup again or restores it, what a setup that leaves a
// transaction open keeps, random()'s seed, the real time a fresh run cost, and statements that overlap.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
}, 60_000);

const machine = (seed: number) => ({ clockMs: () => epochMs, entropy: forkStream(seed, 'database') });

describe('freshRun', () => {
  it('builds for another setup, restores for the same one, and counts the real time it took', async () => {
    const one = setupOf('engine-one', 'CREATE TABLE one (n int)');
    const two = setupOf('engine-two', 'CREATE TABLE two (n int)');
    const reasons: string[] = [];
    for (const setup of [one, one, two, one]) {
      const before = performance.now();
      const fresh = await engine.freshRun(setup, machine(1));
      const elapsed = performance.now() - before;
      expect(fresh.realMs).toBeGreaterThanOrEqual(0);
      expect(fresh.realMs).toBeLessThanOrEqual(elapsed);
      reasons.push(fresh.kind === 'built' ? fresh.reason : fresh.kind);
    }
    expect(reasons.slice(1)).toEqual(['restored', 'setup-changed', 'setup-changed']);
  });

  it('runs the setup once per key: later runs restore what it made, its parameterised statements included', async () => {
    let setups = 0;
    const counted = {
      // A key of its own each time, so the first run builds whatever this engine ran before.
      ...setupOf(`engine-counted-${process.hrtime.bigint()}`, ''),
      run: async (database: Parameters<ReturnType<typeof setupOf>['run']>[0]) => {
        setups++;
        await database.exec('CREATE TABLE counted (n int)');
        await database.query('INSERT INTO counted VALUES ($1), ($2)', [1, 2]);
      },
    };
    const kinds: string[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      const run = await runWorld({ engine, setup: counted, seed, callers: { r1: async (db) => (await db.query('SELECT sum(n)::int AS sum FROM counted')).rows } });
      expect(run.results['r1']).toEqual({ ok: true, value: [{ sum: 3 }] });
      kinds.push(run.fresh.kind);
    }
    expect(kinds).toEqual(['built', 'restored', 'restored']);
    expect(setups).toBe(1);
  });

  it("random() restarts from setseed of the run's first draw, mapped onto [-1, 1]", async () => {
    const setup = setupOf('engine-random', 'SELECT 1');
    const drawn = await runWorld({ engine, setup, seed: 9, callers: { r1: async (db) => (await db.query<{ r: number }>('SELECT random() AS r')).rows[0]?.r } });
    const seed = forkStream(9, 'database').next() * 2 - 1;
    const [, expected] = await engine.exec(machine(0), `SELECT setseed(${seed}); SELECT random() AS r`);
    expect(drawn.results['r1']).toEqual({ ok: true, value: expected?.rows[0]?.['r'] });
  });

  it("a setup that leaves a transaction open: what it did there is rolled back, what it committed is kept", async () => {
    const setup = {
      ...setupOf('engine-open-transaction', ''),
      run: async (database: Parameters<ReturnType<typeof setupOf>['run']>[0]) => {
        await database.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)');
        await database.exec('BEGIN; CREATE TABLE lost (n int); INSERT INTO kept VALUES (2)');
      },
    };
    const run = await runWorld({ engine, setup, seed: 1, callers: { r1: async (db) => (await db.query(`SELECT to_regclass('lost') AS lost, (SELECT count(*)::int FROM kept) AS kept`)).rows } });
    expect(run.results['r1']).toEqual({ ok: true, value: [{ lost: null, kept: 1 }] });
    expect(engine.isInTransaction()).toBe(false);
  });

  it('a setup that keeps the engine from noting its snapshot is refused with a message', async () => {
    // It makes the engine's own note of schema changes stick: the snapshot then never restores.
    const tampering = setupOf(
      'engine-tampering',
      `CREATE FUNCTION public.stick() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.schema_changed := true; RETURN NEW; END $$;
       CREATE TRIGGER stick BEFORE UPDATE ON rtcsim.state FOR EACH ROW EXECUTE FUNCTION public.stick();`,
    );
    await expect(engine.freshRun(tampering, machine(1))).rejects.toThrow(new Error('DatabaseEngine: the snapshot did not restore right after the setup'));
    // Building another setup drops the function and its trigger with the schema.
    const after = await engine.freshRun(setupOf('engine-after-tampering', 'SELECT 1'), machine(1));
    expect(after).toMatchObject({ kind: 'built', reason: 'setup-changed' });
    expect(await engine.freshRun(setupOf('engine-after-tampering', 'SELECT 1'), machine(1))).toMatchObject({ kind: 'restored' });
  });
});

describe('statements', () => {
  it('run one at a time: a second one started while the first runs is refused, and the first still answers', async () => {
    const first = engine.query(machine(1), 'SELECT 1 AS n');
    const second = engine.exec(machine(1), 'SELECT 2 AS n');
    await expect(second).rejects.toThrow(new Error('DatabaseEngine: a statement is already running (statements must be serialized)'));
    expect((await first).rows).toEqual([{ n: 1 }]);
  });
});
