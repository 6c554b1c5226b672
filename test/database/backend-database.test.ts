import { describe, expect, it } from 'vitest';
import type { BackendSource } from '../../src/backend/load.ts';
import { backendProblem } from '../../src/backend/contract.ts';
import { forkStream, RandomStreams } from '../../src/kernel/random.ts';
import { memoryKeyStore, prepareBackendDatabase, statementLatencyMs } from '../../src/model/backend-database.ts';
import { runHandle } from '../../src/database/run-handle.ts';
import { fakeWorld, runQueue } from '../unit/support.ts';
import { backendMachine, setupOnlyBackend } from './support.ts';

// A run's database from the backend module's setup(env): run once per engine and setup key, then restored;
// what the setup stored in its key store comes back with every run; a setup that fails is the backend's
// contract problem. On PGlite (the process's one engine).
const backend = (label: string, setup: BackendSource['setup']): BackendSource => setupOnlyBackend(label, setup);
const machine = backendMachine;

describe("the backend's database, prepared per run", () => {
  it('runs the setup once per key on a fixed machine, its timers on a clock of their own, and restores its key-store entries every run', async () => {
    let setups = 0;
    const seen: unknown[] = [];
    const source = backend(`/app/setup-${Date.now()}.ts`, async (env, host) => {
      setups++;
      seen.push(env.now(), typeof env.random(), env.randomBytes(3).length, host.elapsed());
      await env.db.exec('CREATE TABLE IF NOT EXISTS prepared_keys (hint text primary key, key text)');
      await env.db.query('INSERT INTO prepared_keys VALUES ($1, $2)', ['h1', 'k1']);
      await env.db.transaction(async (transaction) => {
        await transaction.query('INSERT INTO prepared_keys VALUES ($1, $2)', ['h2', 'k2']);
        expect(transaction.closed).toBe(false);
      });
      await env.keyStore.set('b', '2');
      await env.keyStore.set('a', '1');
      expect(await env.keyStore.setIfAbsent('a', 'other')).toBe(false);
      expect(await env.keyStore.setIfAbsent('c', '3')).toBe(true);
      await env.keyStore.delete('c');
      expect(await env.keyStore.list('')).toEqual(['a', 'b']);
      await env.sleep(1000);
      // Timers fire, earliest first, while the setup waits on nothing else; the clock jumps to each.
      const fired: string[] = [];
      await new Promise<void>((resolve) => {
        const every = host.timers?.set(() => {
          fired.push(`every@${host.elapsed()}`);
          if (fired.length === 3) {
            host.timers?.clear(every ?? 0);
            resolve();
          }
        }, 20, true);
        host.timers?.set(() => fired.push(`once@${host.elapsed()}`), 30, false);
        const never = host.timers?.set(() => fired.push('cleared'), 5, false);
        host.timers?.clear(never ?? 0);
      });
      seen.push(fired);
      expect(host.environment?.['PGDATABASE']).toBe('app');
      return undefined;
    });
    const first = await prepareBackendDatabase(fakeWorld(), source, machine(), () => undefined);
    const second = await prepareBackendDatabase(fakeWorld(), source, machine(), () => undefined);
    expect(setups).toBe(1);
    expect(seen).toEqual([Date.UTC(2026, 0, 1), 'number', 3, 0, ['every@20', 'once@30', 'every@40']]);
    for (const prepared of [first, second]) {
      expect(prepared.ok).toBe(true);
      if (prepared.ok) expect(prepared.keyStoreEntries).toEqual([['b', '2'], ['a', '1']]);
    }
    expect(statementLatencyMs).toEqual({ minMs: 1, maxMs: 5 });
  }, 60_000);

  it('a setup that returns a problem or never resolves: the problem, named', async () => {
    const problem = backendProblem('setup-threw', 'setup(env) threw Error: no table');
    const returned = await prepareBackendDatabase(fakeWorld(), backend(`/app/problem-${Date.now()}.ts`, async () => problem), machine(), () => undefined);
    expect(returned).toEqual({ ok: false, problem });
    const hanging = await prepareBackendDatabase(fakeWorld(), backend(`/app/hang-${Date.now()}.ts`, () => new Promise(() => undefined)), machine(), () => undefined);
    expect(hanging).toEqual({ ok: false, problem: backendProblem('setup-threw', 'setup(env) did not finish: it never resolved') });
  }, 60_000);

  it('the key store a setup writes to answers at once from its map', async () => {
    const entries = new Map<string, string>();
    const store = memoryKeyStore(entries);
    expect(await store.get('x')).toBeUndefined();
    await store.set('p/2', 'b');
    await store.set('p/1', 'a');
    await store.set('q', 'c');
    expect(await store.get('p/1')).toBe('a');
    expect(await store.list('p/')).toEqual(['p/1', 'p/2']);
    expect(await store.setIfAbsent('q', 'other')).toBe(false);
    expect(entries.get('q')).toBe('c');
    await store.delete('q');
    expect(entries.has('q')).toBe(false);
  });

  it("a backend that loads pg, in a run pinned to PGlite: refused before its setup, naming the pin", async () => {
    let setups = 0;
    const source = { ...backend(`/app/pg-${Date.now()}.ts`, async () => void setups++), loadsPg: true };
    const prepared = await prepareBackendDatabase(fakeWorld({ database: 'pglite' }), source, machine(), () => undefined);
    expect(prepared).toEqual({ ok: false, problem: backendProblem('setup-threw', 'this backend loads pg (node-postgres), which only a real PostgreSQL server answers, and this run asks for PGlite (--database pglite, or database in its config): drop that pin') });
    expect(setups).toBe(0);
  });

  it("the setup's env: its own stream, a sleep that is a promise, an open handle whose transactions run exec and rollback and return their value", async () => {
    const seen: Record<string, unknown> = {};
    const source = backend(`/app/env-${Date.now()}.ts`, async (env) => {
      seen['random'] = [env.random(), env.random()];
      seen['bytes'] = [...env.randomBytes(4)];
      seen['sleep'] = env.sleep(10) instanceof Promise;
      seen['handle'] = [env.db.ready, env.db.closed, env.db.close() instanceof Promise, env.db.waitReady instanceof Promise];
      await env.db.exec('CREATE TABLE IF NOT EXISTS env_rows (n int)');
      seen['value'] = await env.db.transaction(async (transaction) => {
        await transaction.exec('INSERT INTO env_rows VALUES (1); INSERT INTO env_rows VALUES (2)');
        const counted = await transaction.query<{ n: number }>('SELECT count(*)::int AS n FROM env_rows WHERE n > $1', [0]);
        return counted.rows[0]?.n;
      });
      await env.db.transaction(async (transaction) => {
        await transaction.query('INSERT INTO env_rows VALUES ($1)', [3]);
        await transaction.rollback();
      });
      seen['after'] = (await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM env_rows')).rows[0]?.n;
      return undefined;
    });
    expect((await prepareBackendDatabase(fakeWorld(), source, machine(), () => undefined)).ok).toBe(true);
    const stream = forkStream(0, 'backend-setup:env');
    const expected = { random: [stream.next(), stream.next()], bytes: [...stream.bytes(4)] };
    expect(seen).toEqual({ ...expected, sleep: true, handle: [true, false, true, true], value: 2, after: 2 });
  }, 60_000);

  it("the setup's timers: positive distinct ids, equal due times in the order set, a one-off fires once while a repeating one goes on", async () => {
    const fired: string[] = [];
    const ids: number[] = [];
    const source = backend(`/app/timers-${Date.now()}.ts`, async (_env, host) => {
      const timers = host.timers;
      if (timers === undefined) throw new Error('no timers');
      await new Promise<void>((resolve) => {
        ids.push(timers.set(() => fired.push(`b@${host.elapsed()}`), 10, false));
        ids.push(timers.set(() => fired.push(`a@${host.elapsed()}`), 10, false));
        const every = timers.set(() => {
          fired.push(`every@${host.elapsed()}`);
          if (fired.filter((name) => name.startsWith('every')).length === 4) {
            timers.clear(every);
            resolve();
          }
        }, 4, true);
        ids.push(every);
      });
      return undefined;
    });
    expect((await prepareBackendDatabase(fakeWorld(), source, machine(), () => undefined)).ok).toBe(true);
    expect(ids.every((id) => id > 0) && new Set(ids).size === 3).toBe(true);
    expect(fired).toEqual(['every@4', 'every@8', 'b@10', 'a@10', 'every@12', 'every@16']);
  });

  it('a setup that ends with something other than a problem is an internal error, thrown as it is', async () => {
    for (const value of [new Error('not a problem'), null, { kind: 'other' }]) {
      const source = backend(`/app/odd-${Date.now()}-${String(value)}.ts`, async () => value as never);
      await expect(prepareBackendDatabase(fakeWorld(), source, machine(), () => undefined)).rejects.toBe(value);
    }
  });

  it("the run's statements take their latency from the world's database stream", async () => {
    const source = backend(`/app/latency-${Date.now()}.ts`, async (env) => void (await env.db.exec('CREATE TABLE IF NOT EXISTS latency_rows (n int)')));
    const world = fakeWorld();
    const prepared = await prepareBackendDatabase(world, source, machine(), () => undefined);
    if (!prepared.ok) throw new Error(prepared.problem.message);
    const answered = runHandle(prepared.database, { caller: () => 'c1', origin: () => 'backend#1' }).query('SELECT count(*) FROM latency_rows');
    await runQueue(world);
    await answered;
    expect(world.queue.nowMs).toBeGreaterThanOrEqual(statementLatencyMs.minMs);
    expect(world.streams.get('database').next()).not.toBe(new RandomStreams(1).get('database').next());
  }, 60_000);
});
