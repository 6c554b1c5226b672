import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBackendModule, type BackendSource } from '../../src/backend/load.ts';
import { backendClockMs, serve, settling, testEnv, testMachine } from './support.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function started(name: string, env = testEnv(), machine = testMachine()) {
  const loaded = await loadBackendModule(fixture(name));
  if (!loaded.ok) throw new Error(loaded.error.message);
  const source: BackendSource = loaded.value;
  const backend = await settling(source, source.start(env, machine));
  if (!backend.ok) throw new Error(backend.problem.message);
  return { source, handler: backend.handler, env, machine };
}

const origin = 'https://app.example';

describe.each([
  ['a Fetch-standard handler', 'fetch-backend.ts', 'fetch'],
  ['a Hono app (default export)', 'hono-backend.ts', 'hono'],
  ['an Express app', 'express-backend.ts', 'express'],
])('%s, loaded in the sandbox and served through the adapter', (_title, file, servedBy) => {
  it('creates a key on POST and answers it on GET ?keyHint=, 404 for an unknown hint', async () => {
    const { source, handler, env, machine } = await started(file);
    const created = await serve(
      source,
      handler,
      new Request(`${origin}/api/documents/doc%201/key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k-1' }) }),
    );
    expect(created).toBeInstanceOf(Response);
    expect(created.status).toBe(201);
    expect(created.headers.get('x-served-by')).toBe(servedBy);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    // Node's server would write the host's real clock here; the backend machine's answers instead.
    if (servedBy === 'express') expect(created.headers.get('date')).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    const hint = new Date(backendClockMs).toISOString();
    // Date inside the backend answers from the backend machine's clock (env.now), not the host's.
    expect(await created.json()).toEqual({ keyHint: hint });
    expect([...env.keyStore.entries]).toEqual([[`doc 1/${hint}`, 'k-1']]);

    const found = await serve(source, handler, new Request(`${origin}/api/documents/doc%201/key?keyHint=${encodeURIComponent(hint)}`));
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ key: 'k-1', keyHint: hint });

    const missing = await serve(source, handler, new Request(`${origin}/api/documents/doc%201/key?keyHint=nope`));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'no key nope' });
    expect(machine.problems).toEqual([]);
    // Clock reads are routed silently on a server machine: no nondeterminism finding.
    expect(machine.findings).toEqual([]);
  });

  it("answers Date from the backend machine's clock passed in env, per start", async () => {
    const { source, handler } = await started(file, testEnv(Date.UTC(2030, 5, 1, 12)));
    const created = await serve(source, handler, new Request(`${origin}/api/documents/d/key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"k"}' }));
    expect(await created.json()).toEqual({ keyHint: '2030-06-01T12:00:00.000Z' });
  });
});

describe('loading a backend module', () => {
  it('bundles Express and its dependency tree from the module\'s own node_modules', async () => {
    const loaded = await loadBackendModule(fixture('express-backend.ts'));
    expect(loaded.ok).toBe(true);
  });

  it('refuses a module that exports neither createBackend nor a default function, naming what it exports', async () => {
    const loaded = await loadBackendModule(fixture('no-export.ts'));
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.kind).toBe('module-invalid');
    expect(loaded.error.message).toContain('exports neither createBackend(env), a default function, nor a default app (an object with fetch(request), an Express app or a Node request listener) (it exports: handler)');
  });

  it('names a missing file as a backend module', async () => {
    const loaded = await loadBackendModule(fixture('absent.ts'));
    expect(loaded.ok ? undefined : loaded.error).toEqual({ kind: 'module-not-found', path: fixture('absent.ts'), message: `backend module not found: ${fixture('absent.ts')}` });
  });

  it('starts a fresh module instance at each start: module memory is lost, env state is kept', async () => {
    const loaded = await loadBackendModule(fixture('counting-backend.ts'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const source = loaded.value;
    const env = testEnv();
    const count = async (): Promise<string> => {
      const backend = await settling(source, source.start(env, testMachine()));
      if (!backend.ok) throw new Error(backend.problem.message);
      await serve(source, backend.handler, new Request(`${origin}/`));
      return (await serve(source, backend.handler, new Request(`${origin}/`))).text();
    };
    expect(await count()).toBe('2');
    expect(await count()).toBe('2');
  });

  it('runs setup(env) in its own instance and reports a setup that rejects', async () => {
    const loaded = await loadBackendModule(fixture('setup-backend.ts'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const env = testEnv();
    expect(await settling(loaded.value, loaded.value.setup(env, testMachine()))).toBeUndefined();
    expect([...env.keyStore.entries]).toEqual([['seeded', '2026-01-01T00:00:00.000Z']]);
    const failing = await loadBackendModule(fixture('setup-rejects.ts'));
    if (!failing.ok) throw new Error(failing.error.message);
    expect(await settling(failing.value, failing.value.setup(testEnv(), testMachine()))).toEqual({
      kind: 'backend-contract',
      problem: 'setup-threw',
      message: 'setup(env) rejected with Error: migration failed',
    });
  });
});

describe('a backend that breaks the contract, as data', () => {
  const start = async (name: string) => {
    const loaded = await loadBackendModule(fixture(name));
    if (!loaded.ok) throw new Error(loaded.error.message);
    return settling(loaded.value, loaded.value.start(testEnv(), testMachine()));
  };

  it('createBackend throws', async () => {
    expect(await start('throws-at-creation.ts')).toEqual({
      ok: false,
      problem: { kind: 'backend-contract', problem: 'creation-threw', message: 'createBackend(env) threw Error: no DATABASE_URL' },
    });
  });

  it('createBackend rejects', async () => {
    expect(await start('rejects-at-creation.ts')).toEqual({
      ok: false,
      problem: { kind: 'backend-contract', problem: 'creation-threw', message: 'createBackend(env) rejected with Error: cannot connect' },
    });
  });

  it('createBackend returns none of the three shapes', async () => {
    const started = await start('returns-number.ts');
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.problem.problem).toBe('not-a-handler');
    expect(started.problem.message).toMatch(/got number$/);
  });
});

describe("the backend machine's clock and randomness", () => {
  it('Date, Math.random, crypto, node:crypto, performance and process.hrtime answer from the machine, silently', async () => {
    const draws = [0.25, 0.5];
    const env = { ...testEnv(Date.UTC(2027, 2, 3)), random: () => draws[0] ?? 0 };
    const { source, handler, machine } = await started('machine-backend.ts', env, { ...testMachine(), elapsed: () => 1500 });
    const answer = (await (await serve(source, handler, new Request(`${origin}/`))).json()) as Record<string, unknown>;
    expect(answer).toEqual({
      dateNow: Date.UTC(2027, 2, 3),
      newDate: '2027-03-03T00:00:00.000Z',
      mathRandom: 0.25,
      // Every random byte is floor(0.25 * 256) = 0x40: the stream, not the host's generator.
      webUuid: '40404040-4040-4040-8040-404040404040',
      nodeUuid: '40404040-4040-4040-8040-404040404040',
      nodeBytes: '40404040',
      performanceNow: 1500,
      hrtime: [1, 500_000_000],
      hostPathVisible: false,
    });
    expect(machine.findings).toEqual([]);
  });

  it('a backend that listens on a real port cannot start, and says why', async () => {
    const loaded = await loadBackendModule(fixture('listening-backend.ts'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const started = await settling(loaded.value, loaded.value.start(testEnv(), testMachine()));
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.problem.problem).toBe('creation-threw');
    expect(started.problem.message).toContain('http.createServer() is not available inside the simulated backend: createBackend(env) returns the handler or app');
  });

  it('a real timer is refused and reported, as in a provider: the request is a 500 naming it', async () => {
    const { source, handler, machine } = await started('timer-backend.ts');
    expect((await serve(source, handler, new Request(`${origin}/`))).status).toBe(500);
    expect(machine.findings).toEqual([expect.objectContaining({ api: 'setTimeout()', clientId: 'backend' })]);
    expect(machine.problems).toEqual([expect.objectContaining({ problem: 'handler-threw' })]);
  });

  it("Express's own 404 for an unknown route is served (finalhandler defers with setImmediate)", async () => {
    const { source, handler, machine } = await started('express-backend.ts');
    const response = await serve(source, handler, new Request(`${origin}/nowhere`));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Cannot GET /nowhere');
    expect(machine.findings).toEqual([]);
  });
});
