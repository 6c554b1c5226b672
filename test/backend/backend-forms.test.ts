import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../temporary-folder.ts';
import { loadBackendModule } from '../../src/backend/load.ts';
import { serve, settling, testEnv, testMachine } from './support.ts';

// The forms people write a backend in, each loaded in the sandbox, started twice (a fresh module instance
// each time) and served one request.
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/forms/${name}`, import.meta.url));

async function answer(file: string): Promise<{ text: string; stored: string | undefined; problems: unknown[] }> {
  const loaded = await loadBackendModule(fixture(file));
  if (!loaded.ok) throw new Error(loaded.error.message);
  const env = testEnv();
  const machine = testMachine();
  let text = '';
  for (let start = 0; start < 2; start++) {
    const backend = await settling(loaded.value, loaded.value.start(env, machine));
    if (!backend.ok) throw new Error(backend.problem.message);
    const response = await serve(loaded.value, backend.handler, new Request('https://app.example/api/form'));
    expect(response.status).toBe(200);
    text = await response.text();
  }
  return { text, stored: env.keyStore.entries.get('form'), problems: machine.problems };
}

describe('the backend forms people write', () => {
  it.each([
    ['export default app (a Hono app; env is c.env)', 'hono-default-app.ts', 'hono-default-app', 'hono-default-app'],
    ['export default { fetch(request, env) } (Workers, Bun)', 'workers-fetch.ts', 'workers-fetch /api/form', 'workers-fetch'],
    ['export default app (an Express app)', 'express-default-app.ts', 'express-default-app', undefined],
    ['export default a Node request listener (req, res)', 'node-listener.ts', 'node-listener /api/form', undefined],
    ['CommonJS module.exports = async function (env)', 'commonjs-factory.cjs', 'commonjs-factory', 'commonjs-factory'],
    ['CommonJS module.exports = app (Express)', 'commonjs-app.cjs', 'commonjs-app', undefined],
    ['top-level await in modules the backend imports', 'top-level-await.ts', 'top-level-await ok', undefined],
  ])('%s: loads, starts and serves', async (_title, file, text, stored) => {
    const served = await answer(file);
    expect(served.text).toBe(text);
    expect(served.stored).toBe(stored);
    expect(served.problems).toEqual([]);
  });

  it('a build error in an imported file names that file and its line, not the entry', async () => {
    const folder = temporaryFolder('rtc-sim-backend-build-error-');
    writeFileSync(join(folder, 'entry.ts'), "import { broken } from './imported.ts';\nexport function createBackend() {\n  return () => new Response(String(broken));\n}\n");
    writeFileSync(join(folder, 'imported.ts'), 'export const fine = 1;\n\nexport const broken = (;\n');
    const loaded = await loadBackendModule(join(folder, 'entry.ts'));
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.message).toContain(`cannot build ${join(folder, 'entry.ts')}: ${join(folder, 'imported.ts')}:3:23 Unexpected ";"`);
  });

  it('a module whose default is neither a function nor an app is refused, naming what it is', async () => {
    const folder = temporaryFolder('rtc-sim-backend-no-app-');
    writeFileSync(join(folder, 'config.ts'), "export default { port: 3000 };\n");
    const loaded = await loadBackendModule(join(folder, 'config.ts'));
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.message).toContain('(it exports: default; default is an object with port but no fetch method)');
  });
});
