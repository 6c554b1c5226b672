// The README's samples are outputs of real runs (`npm run docs:samples` writes them): this test fails when a
// sample drifts from what its command prints now. It regenerates the cheap ones whole, and the examples table
// with fewer runs, so that only the passing examples' run count may differ from the printed default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackRunsDefault } from '../src/cli/examples-command.ts';
import { blockLines, markedBlocks, readmeSamples, repositoryRoot, runSample } from '../scripts/readme-samples.ts';

const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');

function sampleInReadme(name: string): string[] {
  const block = markedBlocks(readme).find((candidate) => candidate.name === name);
  expect(block, `README.md has a marked sample "${name}"`).toBeDefined();
  return block === undefined ? [] : blockLines(readme, block);
}

function sample(name: string) {
  const found = readmeSamples[name];
  if (found === undefined) throw new Error(`no sample ${name}`);
  return found;
}

describe('the README samples (npm run docs:samples)', () => {
  it('every marked block names a known sample', () => {
    const names = markedBlocks(readme).map((block) => block.name);
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) expect(Object.keys(readmeSamples)).toContain(name);
  });

  it('the failure report and its nearest passing run are what check prints now', async () => {
    const output = await runSample({ argv: sample('check-failure').argv });
    expect(sampleInReadme('check-failure')).toEqual(output);
    expect(sampleInReadme('nearest-pass')).toEqual(sample('nearest-pass').select?.(output));
  });

  it('the examples table is what examples prints now (the passing rows with their default 2,000 runs, 100 for a stack or a provider with a backend)', async () => {
    const runs = 200;
    const stackRuns = 100;
    const output = await runSample(sample('examples'), ['examples', '--runs', String(runs), '--stack-runs', String(stackRuns)]);
    const inReadme = sampleInReadme('examples');
    expect(inReadme).toHaveLength(output.length);
    const runsColumn = (output[0] ?? '').indexOf('runs');
    inReadme.forEach((line, index) => {
      const now = output[index] ?? '';
      if (/^\S+\s+pass\s+pass\s+\d+$/.test(now)) {
        expect(line.slice(0, runsColumn)).toBe(now.slice(0, runsColumn));
        // A stack, or a provider of a folder with a backend (examples/providers/fetch/): 100 runs by default.
        const stack = /^examples\/(stacks|providers\/[^/]+)\//.test(now);
        expect(line.slice(runsColumn)).toBe(stack ? String(stackRunsDefault) : '2000');
        expect(now.slice(runsColumn)).toBe(String(stack ? stackRuns : runs));
      } else {
        expect(line).toBe(now);
      }
    });
  });
});
