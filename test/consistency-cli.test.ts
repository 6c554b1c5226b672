// Deployment facts are declared, not guessed (issue 15, item 5): the key store's consistency is a flag of
// check and replay (and an option of checkProvider), and a passing check ends with what it assumed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consistencyWord, keyStoreConsistency, pinsAsFlags, pinsFrom } from '../src/cli/options.ts';
import { OptionsError } from '../src/options-schema.ts';
import { checkProvider } from '../src/vitest.ts';
import { createProvider } from '../examples/providers/good-store-backed-dynamic.ts';
import { runCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const good = 'examples/providers/good-store-backed-dynamic.ts';

function assumedLine(out: string): string | undefined {
  return out.split('\n').find((line) => line.startsWith('  assumed: '));
}

describe('--consistency strong|eventual[:lagMs]', () => {
  it('pins an eventual key store in every run\'s world (500 ms lag unless given)', async () => {
    const lagged = await runCli(['check', good, '--runs', '3', '--consistency', 'eventual:250', '--verbose']);
    expect(lagged.code).toBe(0);
    const worlds = lagged.out.split('\n').filter((line) => line.startsWith('world: '));
    expect(worlds).toHaveLength(3);
    expect(worlds.every((line) => line.includes(', eventual key store (reads lag up to 250ms), '))).toBe(true);
    const plain = await runCli(['check', good, '--runs', '1', '--consistency', 'eventual', '--verbose']);
    expect(plain.out).toContain(', eventual key store (reads lag up to 500ms), ');
    const strong = await runCli(['check', good, '--runs', '1', '--consistency', 'strong', '--verbose']);
    expect(strong.out).toContain(', strong key store, ');
  });

  it('replay takes it too', async () => {
    const replayed = await runCli(['replay', '--seed', '3', good, '--consistency', 'eventual:700']);
    expect(replayed.out).toContain('eventual key store (reads lag up to 700ms)');
  });

  it.each(['eventually', 'eventual:', 'eventual:-5', 'eventual:1.5', 'strong:100', ''])('a bad value (%j) is an input error naming it, exit 2', async (value) => {
    const result = await runCli(['check', good, '--consistency', value]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--consistency <mode>' argument '${value}' is invalid. expected strong, eventual or eventual:lagMs`);
    expect(result.out).toBe('');
  });

  it('any other text is refused the same way, never run', async () => {
    const bad = fc.string({ unit: 'binary' }).filter((value) => !keyStoreConsistency(value).ok && !value.startsWith('-'));
    await fc.assert(
      fc.asyncProperty(bad, async (value) => {
        const result = await runCli(['check', good, `--consistency=${value}`]);
        expect(result.code).toBe(2);
        expect(result.err).toContain("option '--consistency <mode>' argument");
      }),
      { numRuns: 100 },
    );
  });

  it('is carried into replay lines, as the config field keyStoreConsistency', () => {
    expect(pinsAsFlags(pinsFrom({ consistency: { mode: 'eventual', lagMs: 500 }, origin: 'https://a.example' }))).toBe('--origin https://a.example --consistency eventual:500');
    expect(pinsAsFlags({ keyStoreConsistency: { mode: 'strong', lagMs: 0 } })).toBe('--consistency strong');
    for (const word of ['strong', 'eventual:0', 'eventual:1234']) {
      const parsed = keyStoreConsistency(word);
      expect(parsed.ok && consistencyWord(parsed.value)).toBe(word);
    }
  });
});

describe('a passing check ends with what it assumed', () => {
  it('the last line of a pass, and it changes with --consistency, --faults never and --documents 2', async () => {
    const base = await runCli(['check', good, '--runs', '2']);
    expect(base.code).toBe(0);
    expect(base.out.split('\n').at(-1)).toBe(
      '  assumed: 3 clients, 1–3 documents, strong consistency, faults in half the seeds, indeterminate timeouts, crash points at protocol moments, retention checked up to 10 years, origin https://app.example',
    );
    const changed = await runCli(['check', good, '--runs', '2', '--consistency', 'eventual:300', '--faults', 'never', '--documents', '2']);
    expect(assumedLine(changed.out)).toBe('  assumed: 3 clients, 2 documents, eventual consistency (reads lag up to 300ms), no faults, retention checked up to 10 years, origin https://app.example');
  });

  it('reads the config file too, and is the assumptions field of --json', async () => {
    const folder = temporaryFolder('rtc-sim-consistency-');
    const config = join(folder, 'eventual.json');
    writeFileSync(config, JSON.stringify({ keyStoreConsistency: { mode: 'eventual', lagMs: 2000 }, clients: 4 }));
    const result = await runCli(['check', good, '--runs', '2', '--config', config, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ verdict: 'pass', assumptions: expect.stringMatching(/^4 clients, 1–3 documents, eventual consistency \(reads lag up to 2 seconds\), /) });
  });

  it('is not printed on a failure', async () => {
    const failuresDir = temporaryFolder('rtc-sim-consistency-failures-');
    const result = await runCli(['check', 'examples/providers/buggy-new-key-every-call.ts', '--runs', '50', '--no-shrink', '--failures-dir', failuresDir, '--consistency', 'eventual:40']);
    expect(result.code).not.toBe(0);
    expect(assumedLine(result.out)).toBeUndefined();
    expect(result.out).toMatch(/^replay: .* --consistency eventual:40$/m);
    const json = await runCli(['check', 'examples/providers/buggy-new-key-every-call.ts', '--runs', '50', '--no-shrink', '--failures-dir', failuresDir, '--consistency', 'eventual:40', '--json']);
    expect(JSON.parse(json.out).failure.config.keyStoreConsistency).toEqual({ mode: 'eventual', lagMs: 40 });
  });
});

describe('checkProvider(…, { consistency })', () => {
  it('pins the key store\'s consistency and says what it assumed', async () => {
    const result = await checkProvider(createProvider, { runs: 2, consistency: 'eventual:500' });
    expect(result.verdict).toBe('pass');
    expect(result.pins.keyStoreConsistency).toEqual({ mode: 'eventual', lagMs: 500 });
    expect(result.assumptions).toContain('3 clients, 1–3 documents, eventual consistency (reads lag up to 500ms), ');
  });

  it('a bad value throws an OptionsError naming the field', async () => {
    await expect(checkProvider(createProvider, { consistency: 'sometimes' })).rejects.toThrow(OptionsError);
    await expect(checkProvider(createProvider, { consistency: 'sometimes' })).rejects.toThrow(/consistency: expected strong, eventual or eventual:lagMs .*got "sometimes"/);
  });
});
