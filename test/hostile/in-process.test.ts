import { builtinModules } from 'node:module';
import process from 'node:process';
import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/explore/sweep.ts';
import { builtinTreatment, unclassifiedBuiltins } from '../../src/providers/builtin-policy.ts';
import { sourceFromFactory } from '../../src/providers/source.ts';
import { temporaryFolder } from '../temporary-folder.ts';

describe('containment by construction', () => {
  it("every built-in of this Node is classified; one the table does not know is refused member by member", () => {
    expect(unclassifiedBuiltins()).toEqual([]);
    expect(builtinModules.length).toBeGreaterThan(60);
    expect(builtinTreatment('a-module-a-newer-node-adds')).toEqual({ kind: 'members', allowed: new Set() });
    expect(builtinTreatment('child_process')).toEqual({ kind: 'members', allowed: new Set() });
    expect(builtinTreatment('path')).toEqual({ kind: 'real' });
  });
});

describe('a provider passed in as a function (the vitest helper, sweep()) that ends the process', () => {
  it("process.exit(0) from node:process's default import is refused and named: the sweep ends with a determinism failure, the test process lives", async () => {
    const source = sourceFromFactory(() => async ({ keyHint }) => {
      process.exit(0);
      return { key: 'k', keyHint: keyHint ?? 'h' };
    });
    const report = await sweep({ source, runs: 3, seed: 1, pins: { clients: 2 } });
    expect(report.failure?.property).toBe('determinism');
    expect(report.failure?.message).toMatch(/process\.exit\(\): a simulated machine cannot end, signal or reach past its process/);
  });
});

describe('a flood of PromiseRejectionHandledWarning', () => {
  it('is one line at the end, counted; other warnings print as before', async () => {
    const { fileURLToPath } = await import('node:url');
    const strays = fileURLToPath(new URL('../../src/cli/stray-rejections.ts', import.meta.url));
    // The rejections are the script's own (not a sandbox's, which watchStrayRejections counts): ignored here.
    const script = `import { collapseLateHandledWarnings } from ${JSON.stringify(strays)};
process.on('unhandledRejection', () => undefined);
const handledLate = collapseLateHandledWarnings();
const rejected = Array.from({ length: 40 }, (_, index) => Promise.reject(new Error('early ' + index)));
await new Promise((resolve) => setTimeout(resolve, 20));
for (const promise of rejected) promise.catch(() => undefined);
process.emitWarning('an ordinary warning');
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify(handledLate()));
`;
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(result.stdout.trim())).toBe(40);
    expect(result.stderr).not.toContain('PromiseRejectionHandledWarning');
    expect(result.stderr).toContain('Warning: an ordinary warning');
  }, 30_000);
});

describe('XMLHttpRequest and WebSocket in a page whose fetch reaches a backend', () => {
  it('are refused with advice to use fetch, not to pass a backend', async () => {
    const { loadProviderModule } = await import('../../src/providers/loader.ts');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const folder = temporaryFolder('rtc-sim-xhr-');
    try {
      const path = join(folder, 'xhr.js');
      writeFileSync(path, 'export const tryIt = () => { const refused = []; for (const make of [() => new XMLHttpRequest(), () => new WebSocket("wss://x")]) { try { make(); } catch (error) { refused.push(error.message); } } return refused; };\n');
      const compiled = await loadProviderModule(path);
      if (!compiled.ok) throw new Error(compiled.error.message);
      const findings: { api: string; detail: string }[] = [];
      const hooks = { clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined, report: (finding: { api: string; detail: string }) => findings.push(finding) };
      const withBackend = compiled.value.instantiate({ ...hooks, fetch: async () => new Response('') }) as { tryIt: () => string[] };
      expect(withBackend.tryIt().every((message) => message.includes('only fetch reaches the simulated backend'))).toBe(true);
      expect(findings.map((finding) => finding.detail).join(' ')).not.toContain('--backend');
      const withoutBackend = compiled.value.instantiate(hooks) as { tryIt: () => string[] };
      expect(withoutBackend.tryIt()[0]).toContain('pass yours with --backend');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
