import { describe, expect, it } from 'vitest';
import { scratchModules, spawnCli } from '../cli-support.ts';

// Through the real bin (supervisor, bundle, child): a module that ends the process cannot take the verdict
// with it — CI must never read a silent exit 0 as a pass.
const scratch = scratchModules('rtc-sim-hostile-cli');
const stackProvider = 'examples/stacks/pglite-raw-sql/provider.ts';

describe('process.exit through node:process ends in a finding and a non-zero exit', () => {
  it('from a provider: --json prints a determinism failure naming process.exit(), exit 4', async () => {
    const path = scratch.write('exits.ts', "import proc from 'node:process';\nexport default async ({ keyHint }: { keyHint: string | null }) => {\n  proc.exit(0);\n  return { key: 'k', keyHint: keyHint ?? 'h' };\n};\n");
    const result = await spawnCli(['check', path, '--runs', '5', '--json', '--no-typecheck', '--failures-dir', scratch.failuresDir]);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.out) as { verdict: string; failure: { property: string; message: string; seed: number } };
    expect(report.verdict).toBe('fail');
    expect(report.failure).toMatchObject({ property: 'determinism', seed: 1, message: expect.stringMatching(/^c\d's provider called process\.exit\(\)/) });
  }, 60_000);

  it("from a backend (require('process').exit in the handler): the backend's finding, exit 4", async () => {
    const path = scratch.write('exits-backend.ts', "import { createRequire } from 'node:module';\nexport function createBackend() {\n  return () => {\n    createRequire(import.meta.url)('process').exit(0);\n    return Response.json({ key: 'k', keyHint: 'v1' });\n  };\n}\n");
    const result = await spawnCli(['check', stackProvider, '--backend', path, '--runs', '5', '--json', '--no-shrink', '--no-typecheck', '--failures-dir', scratch.failuresDir]);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.out) as { failure: { property: string; message: string } };
    expect(report.failure).toMatchObject({ property: 'determinism', message: expect.stringMatching(/^the backend called process\.exit\(\)/) });
  }, 120_000);

  it('--env without = is a usage error naming the flag, exit 2', async () => {
    const result = await spawnCli(['check', stackProvider, '--backend', 'examples/stacks/pglite-raw-sql/good-backend.ts', '--env', 'NOVALUE', '--runs', '1', '--no-typecheck']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--env NOVALUE: expected KEY=VALUE');
  }, 60_000);
});
