import { describe, expect, it } from 'vitest';
import { temporaryFolder } from './temporary-folder.ts';
import { checkProvider, describeProviderCheck } from 'rtc-sim/vitest';
import { OptionsError } from 'rtc-sim';
import { createProvider } from '../examples/providers/good-store-backed-dynamic.ts';
import { runCli } from './cli-support.ts';

// The vitest helper as a CI job uses it: a failure with a backend prints a replay line that names the
// backend and reproduces the failure; toPass() believes only checkProvider; pins that make the race
// impossible are refused.
const stack = 'examples/stacks/pglite-raw-sql';

describe('checkProvider in CI', () => {
  it('a racy backend: the replay line carries --backend, the decision file records it, and both reproduce the failure', async () => {
    const failuresDir = temporaryFolder('rtc-sim-vitest-ci-');
    const result = await checkProvider(`${stack}/provider.ts`, { backend: `${stack}/buggy-upsert-replaces-key.ts`, runs: 60, pins: { documents: 1 }, failuresDir });
    expect(result.verdict).toBe('fail');
    const message = describeProviderCheck(result);
    const line = /^reproduce: npx rtc-sim (replay .*)$/m.exec(message)?.[1] ?? '';
    expect(line).toBe(`replay --seed ${result.failure?.seed} --documents 1 --backend ${stack}/buggy-upsert-replaces-key.ts ${stack}/provider.ts`);
    expect(message).not.toContain('passed in-process');
    const violation = (text: string): string => /✗ (hint-stability violated.*)/.exec(text)?.[1] ?? `missing in ${text.slice(0, 400)}`;
    const replayed = await runCli([...line.split(' '), '--no-typecheck']);
    expect(replayed.code).toBe(1);
    // The seed replays the failure as found, message for message.
    expect(replayed.out).toContain(result.failure?.message ?? 'missing');
    const saved = /replay --file (\S+)/.exec(message)?.[1] ?? '';
    expect(saved).toMatch(/provider\+buggy-upsert-replaces-key-seed-\d+\.json$/);
    const fromFile = await runCli(['replay', '--file', saved, '--no-typecheck']);
    expect(fromFile.code).toBe(1);
    expect(violation(fromFile.out)).toMatch(/^hint-stability violated/);
  }, 180_000);

  it('toPass() refuses a look-alike of a passing result, and accepts the real one', async () => {
    const lookAlike = { verdict: 'pass', name: 'fake', report: {}, runs: 1 };
    expect(() => expect(lookAlike).toPass()).toThrow(/toPass\(\) expects what checkProvider\(…\) resolves to/);
    const real = await checkProvider(createProvider, { runs: 60 });
    expect(() => expect(real).toPass()).not.toThrow();
    expect(() => expect({ ...real }).toPass()).toThrow(/toPass\(\) expects/);
  });

  it('pins of one client are refused: one browser cannot race another', async () => {
    for (const pins of [{ clients: 1 }, { clientsMin: 1, clientsMax: 1 }]) {
      await expect(checkProvider(createProvider, { runs: 200, pins })).rejects.toThrow(OptionsError);
      await expect(checkProvider(createProvider, { runs: 200, pins })).rejects.toThrow(/the create-session race needs two or more browsers/);
    }
    await expect(checkProvider(createProvider, { runs: 60, pins: { clients: 2 } })).resolves.toPass();
  });
});
