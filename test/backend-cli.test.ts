import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { runCli, scratchModules, spawnCli } from './cli-support.ts';

const stack = 'examples/stacks/pglite-raw-sql';

describe('check and replay with --backend', () => {
  const scratch = scratchModules('rtc-sim-backend-cli');

  it('a buggy stack fails with its SQL in the timeline; its decision file names the backend and replays the same failure', async () => {
    const checked = await runCli(['check', `${stack}/provider.ts`, '--backend', `${stack}/buggy-upsert-replaces-key.ts`, '--runs', '40', '--documents', '1', '--failures-dir', scratch.failuresDir, '--out', join(scratch.folder, 'out'), '--no-typecheck']);
    expect(checked.code).toBe(1);
    expect(checked.out).toMatch(/✗ hint-stability violated/);
    expect(checked.out).toMatch(/database +c\d\.1: INSERT INTO document_keys .*ON CONFLICT \(document_id\) DO UPDATE/);
    expect(checked.out).toContain(`--backend ${stack}/buggy-upsert-replaces-key.ts`);
    // The check ran with --no-typecheck: both replay lines carry it, so that pasting one runs as this did.
    expect(checked.out).toMatch(/^replay: .* --no-typecheck$/m);
    expect(checked.out).toMatch(/^replay the shrunk run: .* --no-typecheck$/m);
    const saved = /saved: (\S+)/.exec(checked.out)?.[1] ?? '';
    expect(saved).toMatch(/provider\+buggy-upsert-replaces-key-seed-\d+\.json$/);
    const file = JSON.parse(readFileSync(saved, 'utf8')) as { module: string; backend?: string };
    expect(file.backend).toBe(`${stack}/buggy-upsert-replaces-key.ts`);
    // The diagram has the backend's and the database's lifelines, and parses.
    const diagram = readFileSync(join(scratch.folder, 'out', `${basename(saved, '.json')}.mmd`), 'utf8');
    expect(diagram).toMatch(/participant backend\n  participant database/);
    expect(diagram).toMatch(/c1->>backend: GET \/api\/documents\/d1\/key \(c1\.1\)/);
    await expect(mermaid.parse(diagram)).resolves.toMatchObject({ diagramType: 'sequence' });
    const replayed = await runCli(['replay', '--file', saved, '--no-typecheck']);
    expect(replayed.code).toBe(1);
    expect(replayed.out).toContain(checked.out.split('\n').find((line) => line.startsWith('✗ hint-stability violated')) ?? 'missing');
  }, 180_000);

  it('a backend module that does not exist is an input error, exit 2', async () => {
    const result = await runCli(['check', `${stack}/provider.ts`, '--backend', 'no/such/backend.ts', '--runs', '5', '--no-typecheck']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/input error: .*backend module not found: .*no\/such\/backend\.ts/);
  });

  it('a backend module with neither export is an input error naming what it exports, exit 2', async () => {
    const path = scratch.write('not-a-backend.ts', 'export const handler = () => new Response("hi");\n');
    const result = await runCli(['check', `${stack}/provider.ts`, '--backend', path, '--runs', '5', '--no-typecheck']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/exports neither createBackend\(env\), a default function, nor a default app \(.*\) \(it exports: handler\)/);
  });

  it('a backend that reaches for a real handle is refused and named, and the bin ends with that verdict (exit 4)', async () => {
    const path = scratch.write('leaky-backend.ts', [
      "import { watch } from 'node:fs';",
      'export function createBackend() {',
      '  try { watch(process.cwd()); } catch { /* refused inside the sandbox */ }',
      "  return () => Response.json({ key: 'k', keyHint: 'v1' });",
      '}',
    ].join('\n'));
    const result = await spawnCli(['check', `${stack}/provider.ts`, '--backend', path, '--runs', '20', '--no-typecheck']);
    expect(result.code).toBe(4);
    expect(result.out).toMatch(/✗ determinism violated at step 0 \(0ms, backend\): the backend called fs\.watch\(\)/);
  }, 120_000);
});
