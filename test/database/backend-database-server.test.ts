import { describe, expect, it } from 'vitest';
import type { BackendSource } from '../../src/backend/load.ts';
import { backendProblem } from '../../src/backend/contract.ts';
import { settlingTurnsMax } from '../../src/backend/settling.ts';
import { runHandle } from '../../src/database/run-handle.ts';
import { SessionDatabase } from '../../src/database/postgres/sessions.ts';
import { sessionsMax } from '../../src/database/postgres/engine.ts';
import { RandomStreams } from '../../src/kernel/random.ts';
import { prepareBackendDatabase } from '../../src/model/backend-database.ts';
import { fakeWorld, runQueue } from '../unit/support.ts';
import { backendMachine, setupOnlyBackend } from './support.ts';

// The same preparation on the real PostgreSQL server (a module's `database = 'postgres'`, the default at load):
// the process's server, a pool whose size the world drew, the setup's key-store entries, its `pg` routed.
// In the mutation suite (its name is not postgres-*): the server starts once for the file.
const backend = (label: string, setup: BackendSource['setup']): BackendSource => setupOnlyBackend(label, setup, 'postgres');
const machine = backendMachine;

describe("the backend's database on the real server, prepared per run", () => {
  it('a pool of the drawn size (the most when none was drawn), the setup once with pg routed, its key-store entries every run', async () => {
    let setups = 0;
    const hosts: boolean[] = [];
    const source = backend(`/app/server-${Date.now()}.ts`, async (env, host) => {
      setups++;
      hosts.push(host.modules?.has('pg') === true);
      await env.db.exec('CREATE TABLE IF NOT EXISTS server_keys (hint text primary key, key text)');
      await env.keyStore.set('seeded', 'yes');
      return undefined;
    });
    const sizes: number[] = [];
    for (const databaseSessions of [3, undefined]) {
      const prepared = await prepareBackendDatabase(fakeWorld(databaseSessions === undefined ? {} : { databaseSessions }), source, machine(), () => undefined);
      if (!prepared.ok) throw new Error(prepared.problem.message);
      expect(prepared.database).toBeInstanceOf(SessionDatabase);
      expect(prepared.keyStoreEntries).toEqual([['seeded', 'yes']]);
      if (prepared.database instanceof SessionDatabase) sizes.push(prepared.database.poolSize);
    }
    expect({ setups, hosts, sizes }).toEqual({ setups: 1, hosts: [true], sizes: [3, sessionsMax] });
  }, 120_000);

  it('a setup is given more host turns than on PGlite (a real server answers on its own time); its problem is returned', async () => {
    const slow = backend(`/app/slow-${Date.now()}.ts`, async () => {
      for (let turn = 0; turn < settlingTurnsMax + 50; turn++) await new Promise((resolve) => setImmediate(resolve));
      return undefined;
    });
    expect((await prepareBackendDatabase(fakeWorld(), slow, machine(), () => undefined)).ok).toBe(true);
    const problem = backendProblem('setup-threw', 'setup(env) threw Error: relation "missing" does not exist');
    const failing = backend(`/app/failing-${Date.now()}.ts`, async () => problem);
    expect(await prepareBackendDatabase(fakeWorld(), failing, machine(), () => undefined)).toEqual({ ok: false, problem });
  }, 120_000);

  it("the run's statements take their latency from the world's database stream", async () => {
    const source = backend(`/app/server-latency-${Date.now()}.ts`, async (env) => void (await env.db.exec('CREATE TABLE IF NOT EXISTS server_latency (n int)')));
    const world = fakeWorld({ databaseSessions: 1 });
    const prepared = await prepareBackendDatabase(world, source, machine(), () => undefined);
    if (!prepared.ok) throw new Error(prepared.problem.message);
    const answered = runHandle(prepared.database, { caller: () => 'c1', origin: () => 'backend#1' }).query('SELECT count(*) FROM server_latency');
    await runQueue(world);
    await answered;
    expect(world.streams.get('database').next()).not.toBe(new RandomStreams(1).get('database').next());
  }, 120_000);
});
