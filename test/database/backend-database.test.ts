import { describe, expect, it } from 'vitest';
import type { BackendSource } from '../../src/backend/load.ts';
import { backendProblem } from '../../src/backend/contract.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { memoryKeyStore, prepareBackendDatabase, statementLatencyMs } from '../../src/model/backend-database.ts';
import { createHostRealm } from '../../src/providers/realm.ts';
import { fakeWorld } from '../unit/support.ts';

// A run's database from the backend module's setup(env): run once per engine and setup key, then restored;
// what the setup stored in its key store comes back with every run; a setup that fails is the backend's
// contract problem. On PGlite (the process's one engine).
const realm = Object.assign(createHostRealm(), { bytes: (length: number) => new Uint8Array(length) });

function backend(label: string, setup: BackendSource['setup']): BackendSource {
  return { label, realm, setup, start: () => new Promise(() => undefined) };
}

const machine = () => ({ clockMs: () => Date.UTC(2026, 0, 1), entropy: forkStream(1, 'database:entropy') });

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
});
