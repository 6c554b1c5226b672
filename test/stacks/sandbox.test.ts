import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendEnv } from '../../src/backend/contract.ts';
import { loadBackendModule, type BackendSource } from '../../src/backend/load.ts';
import { sharedEngine, type DatabaseEngine, type DirectDatabase } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { serve, settling, testEnv, testMachine } from '../backend/support.ts';
import { epochMs } from '../database/support.ts';
import { pageOrigin } from './support.ts';

// The raw-SQL stack as rtc-sim will run it: bundled and evaluated in the server sandbox, its setup and
// createBackend called there. Statements run directly on the engine here (one request at a time); the
// interleavings are stacks.test.ts's.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
});

const machine = { clockMs: () => epochMs, entropy: forkStream(1, 'database') };

function handleOf(database: Pick<DirectDatabase, 'query' | 'exec'>): DatabaseHandle {
  const transaction = () => Promise.reject(new Error('not used by these backends'));
  return { query: database.query, exec: database.exec, transaction, waitReady: Promise.resolve(), ready: true, closed: false, close: () => Promise.resolve() };
}

async function startInSandbox(file: string) {
  const loaded = await loadBackendModule(fileURLToPath(new URL(`../../examples/stacks/pglite-raw-sql/${file}`, import.meta.url)));
  if (!loaded.ok) throw new Error(loaded.error.message);
  const source: BackendSource = loaded.value;
  const stream = forkStream(1, 'backend');
  const envOf = (db: DatabaseHandle): BackendEnv => ({ ...testEnv(), db, randomBytes: (length) => stream.bytes(length) });
  const backendMachine = testMachine();
  await engine.freshRun(
    {
      key: `sandbox/${file}`,
      machine,
      run: async (direct) => {
        const problem = await settling(source, source.setup(envOf(handleOf(direct)), backendMachine));
        if (problem !== undefined) throw new Error(problem.message);
      },
    },
    machine,
  );
  const db = handleOf({ query: (text, params, options) => engine.query(machine, text, params, options), exec: (sql, options) => engine.exec(machine, sql, options) });
  const started = await settling(source, source.start(envOf(db), backendMachine));
  if (!started.ok) throw new Error(started.problem.message);
  const get = (path: string) => serve(source, started.handler, new Request(pageOrigin + path));
  return { get, backendMachine };
}

describe.each(['good-backend.ts', 'buggy-check-then-insert.ts', 'buggy-upsert-replaces-key.ts', 'buggy-newest-key-lookup.ts'])('pglite-raw-sql/%s in the server sandbox', (file) => {
  it('sets up its table, creates a key, answers it by its hint, 404s an unknown hint, and reports nothing', async () => {
    const { get, backendMachine } = await startInSandbox(file);
    const created = await get('/api/documents/d%201/key');
    expect(created.status).toBe(200);
    const issued = (await created.json()) as { key: string; keyHint: string };
    const again = await get(`/api/documents/d%201/key?keyHint=${encodeURIComponent(issued.keyHint)}`);
    expect(await again.json()).toEqual(issued);
    expect((await get('/api/documents/d%201/key?keyHint=zz')).status).toBe(404);
    expect((await get('/api/other')).status).toBe(404);
    expect([backendMachine.findings, backendMachine.problems, backendMachine.logs]).toEqual([[], [], []]);
  });
});
