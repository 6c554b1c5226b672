// Documents drawn per seed, seen from the edges: --documents A-B, a documents range in a config file, the
// vitest helper's pins, and the world line and JSON report that show what a seed drew.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinsAsFlags, pinsFrom } from '../src/cli/options.ts';
import { OptionsError } from '../src/options-schema.ts';
import { checkProvider } from '../src/vitest.ts';
import { createProvider as cacheWithoutDocument } from '../examples/providers/buggy-cache-without-document.ts';
import { runCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const crossDocumentBug = 'examples/providers/buggy-cache-without-document.ts';

describe('documents drawn per seed', () => {
  it('--documents A-B is a range, carried into the replay line; a single number still pins', () => {
    expect(pinsFrom({ documents: { min: 2, max: 3 } })).toEqual({ documents: { min: 2, max: 3 } });
    expect(pinsAsFlags({ documents: { min: 2, max: 3 } })).toBe('--documents 2-3');
    expect(pinsAsFlags({ documents: 2 })).toBe('--documents 2');
  });

  it('a pinned single document hides a cross-document mistake; the default range finds it, and the report shows the spread', async () => {
    const failuresDir = temporaryFolder('rtc-sim-documents-');
    const pinned = await runCli(['check', crossDocumentBug, '--runs', '200', '--documents', '1']);
    expect(pinned.code).toBe(0);
    expect(pinned.out).toMatch(/assumed: 3 clients, 1 document, /);
    const drawn = await runCli(['check', crossDocumentBug, '--runs', '200', '--documents', '2-3', '--no-shrink', '--failures-dir', failuresDir, '--json']);
    expect(drawn.code).toBe(1);
    const { failure } = JSON.parse(drawn.out) as { failure: { config: { documents: number; documentSpread: string }; replay: string } };
    expect(failure.config.documents).toBeGreaterThanOrEqual(2);
    expect(['even', 'blocks', 'skewed']).toContain(failure.config.documentSpread);
    expect(failure.replay).toMatch(/--documents 2-3/);
    const text = await runCli(['check', crossDocumentBug, '--runs', '200', '--no-shrink', '--failures-dir', failuresDir]);
    expect(text.out).toMatch(/^world: .* 3 clients on \d documents \((even|blocks|skewed): d1 ×\d, d2 ×\d/m);
  });

  it('a config file may give documents as a range; a wrong range is an input error naming the field', async () => {
    const folder = temporaryFolder('rtc-sim-documents-config-');
    const good = join(folder, 'range.json');
    writeFileSync(good, JSON.stringify({ documents: { min: 2, max: 2 } }));
    const pass = await runCli(['check', 'examples/providers/good-cached-versioned-keys.ts', '--runs', '5', '--config', good]);
    expect(pass.code).toBe(0);
    expect(pass.out).toMatch(/assumed: 3 clients, 2 documents, /);
    const bad = join(folder, 'bad.json');
    writeFileSync(bad, JSON.stringify({ documents: { min: 3, max: 2 } }));
    const refused = await runCli(['check', 'examples/providers/good-cached-versioned-keys.ts', '--runs', '5', '--config', bad]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/documents/);
  });

  it('checkProvider takes a documents range in its pins, and refuses a malformed one', async () => {
    const caught = await checkProvider(cacheWithoutDocument, { runs: 50, pins: { documents: { min: 2, max: 3 } }, shrink: false, failuresDir: temporaryFolder('rtc-sim-documents-helper-') });
    expect(caught.verdict).toBe('fail');
    expect(caught.assumptions).toMatch(/^3 clients, 2–3 documents, /);
    await expect(checkProvider(cacheWithoutDocument, { runs: 1, pins: { documents: { min: 0, max: 2 } } })).rejects.toThrow(OptionsError);
  });
});
