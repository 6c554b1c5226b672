import { describe, expect, it } from 'vitest';
import { runCli, scratchModules } from './cli-support.ts';

// A provider module whose import graph awaits at its top: evaluated to its end for every simulated browser
// (its microtasks drained); one that waits on a timer, or on nothing that ever settles, cannot be, and says why.
const { write, failuresDir } = scratchModules('rtc-sim-provider-tla');
write('package.json', JSON.stringify({ name: 'tla-provider', type: 'module' }));
write('keys.ts', "export const key = await Promise.resolve('correct horse battery staple');\n");
const provider = write('provider.ts', "import { key } from './keys.ts';\nexport default async function provider() {\n  return { key, keyHint: 'static-2026' };\n}\n");
write('slow-keys.ts', "export const key = await new Promise((resolve) => setTimeout(() => resolve('k'), 10));\n");
const timed = write('timed-provider.ts', "import { key } from './slow-keys.ts';\nexport default async () => ({ key: String(key), keyHint: 'h' });\n");
write('never-keys.ts', "export const key = await new Promise<string>(() => undefined);\n");
const waiting = write('waiting-provider.ts', "import { key } from './never-keys.ts';\nexport default async () => ({ key, keyHint: 'h' });\n");
const check = (module: string) => runCli(['check', module, '--runs', '20', '--failures-dir', failuresDir, '--no-typecheck']);

describe('top-level await in a provider module', () => {
  it('loads and passes; two runs of a seed print the same trace', async () => {
    const result = await check(provider);
    expect(result.out).toContain('✓ PASS');
    expect(result.code).toBe(0);
    const first = await runCli(['replay', '--seed', '3', provider, '--no-typecheck']);
    const second = await runCli(['replay', '--seed', '3', provider, '--no-typecheck']);
    expect(first.code).toBe(0);
    expect(second.out).toBe(first.out);
  });

  it('a top-level await that never settles, or waits on a timer, is an input error naming why (exit 2)', async () => {
    const never = await check(waiting);
    expect(never.err).toMatch(/^input error: evaluating .*waiting-provider\.ts threw Error: its top-level await is still waiting/);
    expect(never.code).toBe(2);
    const onTimer = await check(timed);
    // The load-time check runs on a page whose timers never fire: the await is still waiting when it ends.
    expect(onTimer.err).toMatch(/^input error: evaluating .*timed-provider\.ts threw Error: its top-level await is still waiting after every pending promise ran: a module loaded per simulated browser must finish evaluating without timers or I\/O/);
    expect(onTimer.code).toBe(2);
  });
});
