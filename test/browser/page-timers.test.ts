import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratchModules, spawnCli } from '../cli-support.ts';

const { failuresDir, folder, write: module } = scratchModules('rtc-sim-page-timers');

// A factory provider over env.keyStore that waits with the page's own timers: no backend needed.
const waitsThenStores = (wait: string) => `
export function createProvider(env) {
  ${wait}
  return async ({ documentId, keyHint }) => {
    await pause(250);
    if (keyHint === null) {
      const hint = 'k-' + Array.from(env.randomBytes(6), (b) => b.toString(16)).join('');
      await env.keyStore.set(documentId + '/' + hint, 'key-' + hint);
      return { key: 'key-' + hint, keyHint: hint };
    }
    const key = await env.keyStore.get(documentId + '/' + keyHint);
    if (key === undefined) throw new Error('no key');
    return { key };
  };
}`;

describe('the page has timers on its simulated clock', () => {
  it('setTimeout waits in virtual time: a provider that pauses with it passes, with no determinism finding', async () => {
    const path = module('pause.ts', waitsThenStores('const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));'));
    const result = await runCli(['check', path, '--runs', '40', '--failures-dir', failuresDir]);
    expect(result.out).toContain('✓ PASS');
    expect(result.code).toBe(0);
  });

  it('setInterval ticks until clearInterval, and a throwing callback is the page\'s uncaught error, not a crash', async () => {
    const path = module(
      'interval.ts',
      waitsThenStores(`const pause = (ms) => new Promise((resolve) => { let ticks = 0; const id = setInterval(() => { if (++ticks === 5) { clearInterval(id); resolve(); } }, ms / 5); });
  setTimeout(() => { throw new Error('late boom'); }, 10);`),
    );
    const result = await runCli(['check', path, '--runs', '1', '--failures-dir', failuresDir, '--verbose']);
    expect(result.code).toBe(0);
    const broken = module('interval-never-cleared.ts', waitsThenStores('const pause = () => new Promise(() => { setInterval(() => undefined, 1000); });'));
    // A provider that never answers, with an interval still ticking: the browsers give up (liveness), the run ends.
    const stuck = await runCli(['check', broken, '--runs', '1', '--no-shrink', '--failures-dir', failuresDir]);
    expect(stuck.code).toBe(1);
    expect(stuck.out).toContain('liveness violated');
    expect(stuck.out).toContain('setInterval 1000 ms fired');
  });

  it('a timer set in a browser is a kernel event keyed by meaning (timer:c1#n), and the timeline shows it firing', async () => {
    const path = module('pause-fail.ts', waitsThenStores("const pause = (ms) => new Promise((resolve, reject) => setTimeout(() => reject(new Error('gave up after ' + ms)), ms));"));
    const result = await runCli(['check', path, '--runs', '1', '--no-shrink', '--out', join(folder, 'out'), '--failures-dir', failuresDir]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/c\d +setTimeout 250 ms fired/);
    const trace = readFileSync(join(folder, 'out', readdirSync(join(folder, 'out')).find((name) => name.endsWith('.trace.json')) ?? ''), 'utf8');
    expect(trace).toMatch(/"timer:c\d#1"/);
  });
});

describe('fetch honours AbortSignal.timeout on the simulated clock; localStorage keeps what the page wrote', () => {
  const example = ['examples/providers/fetch/buggy-timeout-local-fallback-key.ts', '--backend', 'examples/providers/fetch/backend.ts'];

  it('same seed ⇒ byte-identical trace in two processes, with timers firing, fetches aborted and localStorage written and read', async () => {
    const runs = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const out = join(folder, `abort-${name}`);
        const result = await spawnCli(['check', ...example, '--seed', '8', '--runs', '1', '--no-shrink', '--out', out, '--failures-dir', failuresDir]);
        const file = readdirSync(out).find((entry) => entry.endsWith('.trace.json')) ?? '';
        const html = readdirSync(out).find((entry) => entry.endsWith('.html')) ?? '';
        return { result, trace: readFileSync(join(out, file), 'utf8'), html: readFileSync(join(out, html), 'utf8') };
      }),
    );
    expect(runs[0]?.result.code).toBe(1);
    expect(runs[0]?.result.out).toMatch(/timeout 3000 ms fired → fetch GET \/api\/documents\/d\d\/key\?keyHint=\S+ aborted/);
    expect(runs[0]?.trace).toContain('"source":"AbortSignal.timeout"');
    expect(runs[0]?.html).toMatch(/timeout 3000 ms fired → fetch GET \/api\/documents\/d\d\/key/);
    expect(runs[1]?.trace).toBe(runs[0]?.trace);
  }, 60_000);

  it('same seed ⇒ byte-identical trace in two processes, with a second tab sharing localStorage', async () => {
    const tabbed = ['examples/providers/fetch/buggy-latest-key-in-local-storage.ts', '--backend', 'examples/providers/fetch/backend.ts'];
    const runs = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const out = join(folder, `tabs-${name}`);
        const result = await spawnCli(['check', ...tabbed, '--seed', '10', '--runs', '1', '--no-shrink', '--out', out, '--failures-dir', failuresDir]);
        const file = readdirSync(out).find((entry) => entry.endsWith('.trace.json')) ?? '';
        return { result, trace: readFileSync(join(out, file), 'utf8') };
      }),
    );
    expect(runs[0]?.result.code).toBe(1);
    expect(runs[0]?.result.out).toContain("c2 is a second tab of c1's browser");
    expect(runs[1]?.trace).toBe(runs[0]?.trace);
  }, 60_000);
});
