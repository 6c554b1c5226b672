import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../temporary-folder.ts';
import { setUserEnvironment } from '../../src/backend/machine-hooks.ts';
import { loadBackendModule, type BackendSource } from '../../src/backend/load.ts';
import type { PostgresAvailability } from '../../src/database/postgres/availability.ts';
import { serve, settling, testEnv, testMachine } from './support.ts';

// The loader's own decisions, on small modules written the way integrators write them: what a module may do
// at its top, which exports it may have and how a refusal names them, the database it gets, and how setup
// and start run its fresh instances.
const folder = temporaryFolder('rtc-sim-backend-load-');
let written = 0;
const moduleFile = (code: string, extension = 'ts'): string => {
  const path = join(folder, `backend-${++written}.${extension}`);
  writeFileSync(path, code);
  return path;
};
// A machine where no PostgreSQL server can start: the decision is the loader's, not a server's.
const noServer = async (): Promise<PostgresAvailability> => ({ ok: false, reason: 'no server binary for this platform' });
const serverRuns = async (): Promise<PostgresAvailability> => ({ ok: true });

async function loaded(code: string, extension = 'ts', availability = noServer): Promise<BackendSource> {
  const result = await loadBackendModule(moduleFile(code, extension), availability);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
async function refusal(code: string, extension = 'ts'): Promise<string> {
  const path = moduleFile(code, extension);
  const result = await loadBackendModule(path, noServer);
  if (result.ok) throw new Error('the module loaded');
  expect(result.error).toMatchObject({ kind: 'module-invalid', path });
  return result.error.message.replace(path, '<module>');
}

const fetchBackend = "export const createBackend = () => ({ fetch: () => new Response('ok') });\n";
// A machine whose timers fire on the host's next turn: enough for a module's wait to end while start is settled.
const hostTurnMachine = () => {
  const machine = { ...testMachine(), fired: 0 };
  return Object.assign(machine, { timers: { set: (callback: () => void) => (void Promise.resolve().then(() => (machine.fired++, callback())), 1), clear: () => undefined } });
};

describe('a module at its top, probed at load', () => {
  it("reads the machine's clock, randomness, performance and environment (DATABASE_URL is set, as on every start)", async () => {
    const source = await loaded(`
      if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
      const bootedAt = new Date().toISOString();
      const instance = Math.random().toString(36).slice(2);
      const startedMs = performance.now().toFixed(0);
      console.log('booting', instance, bootedAt, startedMs);
      const sessions = new Map();
      setInterval(() => sessions.clear(), 60_000).unref();
      ${fetchBackend}`);
    expect(source.database).toBe('pglite');
  });

  it("sees the user's variables (--env) at its top", async () => {
    const code = "if (process.env.RTC_SECRET !== 's3cret') throw new Error('RTC_SECRET is not set');\n" + fetchBackend;
    expect(await refusal(code)).toBe('evaluating <module> threw Error: RTC_SECRET is not set');
    setUserEnvironment({ RTC_SECRET: 's3cret' });
    try {
      expect((await loaded(code)).label).toContain('backend-');
    } finally {
      setUserEnvironment({});
    }
  });

  it('a body that throws is refused, naming what it threw', async () => {
    expect(await refusal("throw new TypeError('config missing');\n" + fetchBackend)).toBe('evaluating <module> threw TypeError: config missing');
  });

  it('a top-level await that waits on time is left to the start, where time passes', async () => {
    const source = await loaded(`
      const config = await new Promise((resolve) => setTimeout(() => resolve({ greeting: 'hello' }), 10));
      export const createBackend = () => ({ fetch: () => new Response(config.greeting) });`);
    expect(source.database).toBe('pglite');
  });

  it("a statement sent at the top (a connectivity check) is left to the start, where the database answers", async () => {
    const source = await loaded("import pg from 'pg';\nconst pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });\nawait pool.query('select 1');\n" + fetchBackend, 'ts', noServer);
    expect(source).toMatchObject({ database: 'postgres', loadsPg: true });
  });

  it('a module still waiting at load that exports no backend is refused when its process starts', async () => {
    const source = await loaded("await new Promise((resolve) => setTimeout(resolve, 0));\nexport const port = 3000;\n");
    expect(await settling(source, source.start(testEnv(), hostTurnMachine()))).toEqual({
      ok: false,
      problem: {
        kind: 'backend-contract',
        problem: 'no-export',
        message: 'exports neither createBackend(env), a default function, nor a default app (an object with fetch(request), an Express app or a Node request listener) (it exports: port)',
      },
    });
  });

  it('a top-level await that rejects within its microtasks is refused', async () => {
    expect(await refusal("await Promise.reject(new Error('no schema'));\n" + fetchBackend)).toBe('evaluating <module> threw Error: no schema');
  });
});

describe('the database a module gets', () => {
  it("the server when it runs, PGlite with the reason when it cannot, what the module asks for in either case", async () => {
    expect(await loaded(fetchBackend, 'ts', serverRuns)).toMatchObject({ database: 'postgres' });
    const fallback = await loaded(fetchBackend, 'ts', noServer);
    expect(fallback).toMatchObject({ database: 'pglite', databaseFallback: 'no server binary for this platform' });
    expect(fallback.loadsPg).toBeUndefined();
    expect('loadsPg' in fallback).toBe(false);
    const asked = await loaded("export const database = 'pglite';\n" + fetchBackend, 'ts', serverRuns);
    expect(asked).toMatchObject({ database: 'pglite' });
    expect(asked.databaseFallback).toBeUndefined();
    expect(await loaded("export const database = 'postgres';\n" + fetchBackend, 'ts', noServer)).toMatchObject({ database: 'postgres' });
  });

  it('a module that loads pg gets the server even where none was found to run, and says it loads pg', async () => {
    const source = await loaded("import pg from 'pg';\nexport const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });\n" + fetchBackend, 'ts', noServer);
    expect(source).toMatchObject({ database: 'postgres', loadsPg: true });
    expect(source.databaseFallback).toBeUndefined();
  });

  it("pg with database = 'pglite' is refused: only a real server answers pg", async () => {
    expect(await refusal("import pg from 'pg';\nexport const pool = new pg.Pool();\nexport const database = 'pglite';\n" + fetchBackend)).toBe(
      "<module> exports database = 'pglite' but its code loads pg (node-postgres), which only a real PostgreSQL server answers: remove the export (the real server is the default)",
    );
  });

  it('any other database is refused, naming the value and the two choices', async () => {
    expect(await refusal("export const database = 'mysql';\n" + fetchBackend)).toBe(
      `<module> exports database = "mysql": expected 'postgres' (a real PostgreSQL server, the default) or 'pglite' (PGlite, one session)`,
    );
    expect(await refusal("export const database = null;\n" + fetchBackend)).toContain('exports database = null: expected');
  });

  it('a database export whose getter throws is refused, naming the error', async () => {
    const code = "module.exports = { createBackend: () => ({ fetch: () => new Response('ok') }) };\nObject.defineProperty(module.exports, 'database', { get() { throw new Error('not yet'); } });\n";
    expect(await refusal(code, 'cjs')).toBe('<module> exports database, but reading it threw Error: not yet');
  });
});

describe('exports that are no backend, refused with what they are', () => {
  const expected = 'exports neither createBackend(env), a default function, nor a default app (an object with fetch(request), an Express app or a Node request listener)';
  it.each([
    ['nothing', 'export {};\n', 'ts', ' (it exports nothing)'],
    ['named values only', 'export const port = 3000;\nexport const host = "0.0.0.0";\n', 'ts', ' (it exports: host, port)'],
    ["CommonJS's __esModule marker left out", 'Object.defineProperty(exports, "__esModule", { value: true, enumerable: true });\nexports.port = 3000;\n', 'cjs', ' (it exports: port)'],
    ['a default of null', 'export default null;\n', 'ts', ' (it exports: default; default is null)'],
    ['a default number', 'export default 3000;\n', 'ts', ' (it exports: default; default is number)'],
    ['a default object without fetch', 'export default { port: 3000, host: "h", a: 1, b: 2, c: 3, d: 4 };\n', 'ts', ' (it exports: default; default is an object with port, host, a, b, c but no fetch method)'],
    ['a default empty object', 'export default {};\n', 'ts', ' (it exports: default; default is an object with no properties but no fetch method)'],
    ['module.exports = a number', 'module.exports = 42;\n', 'cjs', ' (it exports nothing)'],
    ['module.exports = null', 'module.exports = null;\n', 'cjs', ' (it exports nothing)'],
    ['a fetch that is no function', 'export default { fetch: "/api" };\n', 'ts', ' (it exports: default; default is an object with fetch but no fetch method)'],
  ])('%s', async (_title, code, extension, detail) => {
    expect(await refusal(code, extension)).toBe(`<module> ${expected}${detail}`);
  });

  it('exports whose every read throws (a Proxy) are refused, naming the error', async () => {
    const code = "module.exports = new Proxy({}, { get() { throw new Error('trap'); }, has() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });\n";
    expect(await refusal(code, 'cjs')).toBe('<module> exports neither createBackend(env) nor a default function or app: reading its exports threw Error: trap');
  });
});

describe('the forms a backend starts from', () => {
  const answer = async (source: BackendSource, env = testEnv()): Promise<string> => {
    const started = await settling(source, source.start(env, testMachine()));
    if (!started.ok) throw new Error(started.problem.message);
    return (await serve(source, started.handler, new Request('https://app.example/api'))).text();
  };

  it('module.exports = { fetch } (CommonJS): fetch is called on its object, with the env', async () => {
    const source = await loaded("module.exports = { name: 'cjs-app', fetch(request, env) { return new Response(this.name + ' ' + typeof env.keyStore + ' ' + new URL(request.url).pathname); } };\n", 'cjs');
    expect(await answer(source)).toBe('cjs-app object /api');
  });

  it('a default function of one parameter is a factory: called with env at each start', async () => {
    const source = await loaded("export default (env) => { const now = env.now(); return { fetch: () => new Response(String(now)) }; };\n");
    expect(await answer(source, testEnv(1234))).toBe('1234');
  });

  it('a function with listen (a Connect-style app) is the app itself, not a factory', async () => {
    const source = await loaded(`
      const app = (req, res) => res.end('served by ' + typeof app.listen);
      app.listen = () => { throw new Error('no listening in the simulation'); };
      export default app;`);
    expect(await answer(source)).toBe('served by function');
  });

  it.each(['handle', 'listen'])('a default function of no declared parameters carrying %s is an app (Connect), not a factory', async (method) => {
    const source = await loaded(`const app = (...args) => args[1].end('served by the app');\napp.${method} = () => undefined;\nexport default app;\n`);
    expect(await answer(source)).toBe('served by the app');
  });

  it('a top-level await waiting on time: start waits for it as time passes, then creates the backend', async () => {
    const source = await loaded(`
      const greeting = await new Promise((resolve) => setTimeout(() => resolve('hello'), 0));
      export function createBackend() { return { fetch: () => new Response(greeting) }; }`);
    const machine = hostTurnMachine();
    const started = await settling(source, source.start(testEnv(), machine));
    if (!started.ok) throw new Error(started.problem.message);
    expect(machine.fired).toBe(1);
    expect(await (await serve(source, started.handler, new Request('https://app.example/'))).text()).toBe('hello');
  });
});

describe('setup and start, each in a fresh instance', () => {
  it('a module without setup has nothing to run', async () => {
    expect(await (await loaded(fetchBackend)).setup(testEnv(), testMachine())).toBeUndefined();
  });

  it('a setup that throws is a setup problem naming the error', async () => {
    const source = await loaded("export function setup() { throw new Error('migrations folder missing'); }\n" + fetchBackend);
    expect(await source.setup(testEnv(), testMachine())).toEqual({ kind: 'backend-contract', problem: 'setup-threw', message: 'setup(env) threw Error: migrations folder missing' });
  });

  it('a body that throws on a later instance is a setup problem, and a creation problem at start', async () => {
    const source = await loaded("globalThis.instances = (globalThis.instances ?? 0) + 1;\nif (globalThis.instances > 1) throw new Error('second instance');\nexport function setup() {}\n" + fetchBackend);
    expect(await source.setup(testEnv(), testMachine())).toEqual({ kind: 'backend-contract', problem: 'setup-threw', message: 'evaluating the backend module threw Error: second instance' });
    expect(await source.start(testEnv(), testMachine())).toEqual({ ok: false, problem: { kind: 'backend-contract', problem: 'creation-threw', message: 'evaluating the backend module threw Error: second instance' } });
    expect(source.sharedGlobals?.()).toEqual(['instances']);
  });

  it('without a top-level await, setup(env) and createBackend(env) run before start and setup return (no host turn first)', async () => {
    const source = await loaded("export function setup() { console.log('setup ran'); }\nexport function createBackend() { console.log('created'); return { fetch: () => new Response('ok') }; }\n");
    const machine = testMachine();
    const setup = source.setup(testEnv(), machine);
    expect(machine.logs).toEqual(['log setup ran']);
    await setup;
    const start = source.start(testEnv(), machine);
    expect(machine.logs).toEqual(['log setup ran', 'log created']);
    await settling(source, start);
  });

  it("a finding goes to the machine's report, or is logged as a warning on a machine without one", async () => {
    const source = await loaded("export function createBackend() { setTimeout(() => undefined, 5); return { fetch: () => new Response('ok') }; }\n");
    const reporting = testMachine();
    await settling(source, source.start(testEnv(), reporting));
    expect(reporting.findings).toEqual([expect.objectContaining({ api: 'setTimeout()', clientId: 'backend' })]);
    const { report: _report, ...silent } = testMachine();
    const logs: string[] = [];
    await settling(source, source.start(testEnv(), { ...silent, log: (level, text) => logs.push(`${level} ${text}`) }));
    expect(logs.join('\n')).toContain('setTimeout()');
  });
});
