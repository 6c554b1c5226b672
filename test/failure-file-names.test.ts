import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from './temporary-folder.ts';
import { writeDecisionFile, type DecisionFile } from '../src/explore/decision-file.ts';

// Only the fields that name the file matter here; the rest of a decision file is written as it is.
const failure = (module: string, backend: string | undefined, originalSeed: number, clients = 3): DecisionFile =>
  ({ version: 1, module, ...(backend === undefined ? {} : { backend }), originalSeed, config: { seed: originalSeed, clients }, decisions: [] }) as unknown as DecisionFile;

describe('failure file names', () => {
  it('two backends with the same file name in different folders never overwrite each other', () => {
    const directory = temporaryFolder('rtc-sim-failure-names-');
    const first = writeDecisionFile(directory, failure('src/provider.ts', 'variants/a/rtc-sim-backend.ts', 7));
    const second = writeDecisionFile(directory, failure('src/provider.ts', 'variants/b/rtc-sim-backend.ts', 7));
    expect(basename(first)).toBe('provider+rtc-sim-backend-seed-7.json');
    expect(basename(second)).toMatch(/^provider\+rtc-sim-backend-seed-7-[0-9a-f]{8}\.json$/);
    expect(existsSync(first) && existsSync(second)).toBe(true);
  });

  it('the same modules failing again at the same seed keep their one name (the file is replaced)', () => {
    const directory = temporaryFolder('rtc-sim-failure-names-');
    const first = writeDecisionFile(directory, failure('src/provider.ts', 'variants/a/rtc-sim-backend.ts', 7));
    const again = writeDecisionFile(directory, failure('src/provider.ts', 'variants/a/rtc-sim-backend.ts', 7));
    expect(again).toBe(first);
    expect(readdirSync(directory)).toEqual(['provider+rtc-sim-backend-seed-7.json']);
  });

  it('the same module at the same seed in another world (other pins) is kept beside the first, not over it', () => {
    const directory = temporaryFolder('rtc-sim-failure-names-');
    const threeClients = writeDecisionFile(directory, failure('src/provider.ts', undefined, 7, 3));
    const twoClients = writeDecisionFile(directory, failure('src/provider.ts', undefined, 7, 2));
    expect(basename(threeClients)).toBe('provider-seed-7.json');
    expect(basename(twoClients)).toMatch(/^provider-seed-7-[0-9a-f]{8}\.json$/);
    expect(readdirSync(directory).sort()).toEqual([basename(threeClients), basename(twoClients)].sort());
  });
});
