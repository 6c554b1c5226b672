import { describe, expect, it } from 'vitest';
import { scratchModules, spawnCli } from '../cli-support.ts';

const scratch = scratchModules('rtc-sim-coverage-once');

describe('--json coverage with worker threads', () => {
  it('counts the runs the verdict reports, once: not the chunks in flight past the failing seed', async () => {
    const result = await spawnCli(['check', 'examples/providers/buggy-timestamp-hint-overwrite.ts', '--workers', '2', '--json', '--no-shrink', '--failures-dir', scratch.failuresDir]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { runs: number; failure: { seed: number }; coverage: { runs: number }[] };
    expect(report.failure.seed).toBe(106);
    expect(report.runs).toBe(106);
    expect(report.coverage.reduce((sum, strategy) => sum + strategy.runs, 0)).toBe(106);
  }, 120_000);
});
