// One failure pipeline (shrink → save → decisions to defaults → nearest pass → strategy label): check, replay,
// examples and the vitest helper all report a failure through runFailurePipeline, so they agree on it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderSource } from '../src/load-provider-source.ts';
import { foundInSweep, runFailurePipeline, strategyLabel } from '../src/explore/failure-pipeline.ts';
import { nearestPassLines, shownRunLines } from '../src/report/failure-text.ts';
import { repositoryRoot, runCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const buggy = 'examples/providers/buggy-unawaited-write.ts';

async function firstFailure() {
  const loaded = await loadProviderSource(join(repositoryRoot, buggy));
  if (!loaded.ok) throw new Error('the example loads');
  const report = await sweep({ source: loaded.value, runs: 200, seed: 1, pins: {} });
  if (report.failure === undefined) throw new Error('the example fails');
  return { source: loaded.value, failure: report.failure };
}

describe('the failure pipeline', () => {
  it('shrinks, saves, finds the nearest pass and names the strategy; check prints and saves exactly that', async () => {
    const { source, failure } = await firstFailure();
    const ownDir = temporaryFolder('rtc-sim-pipeline-');
    const report = await runFailurePipeline(foundInSweep(failure), { source, module: buggy, shrink: true, failuresDir: ownDir });
    expect(report.strategy).toBe(strategyLabel(failure.config));
    expect(report.filePath?.startsWith(ownDir)).toBe(true);
    expect(existsSync(report.filePath ?? '')).toBe(true);
    expect(report.defaults).toHaveLength(report.counterexample.file.decisions.length);
    expect(nearestPassLines(report)[0]).toMatch(/^nearest passing run: /);

    const checkDir = temporaryFolder('rtc-sim-pipeline-check-');
    const check = await runCli(['check', buggy, '--runs', '200', '--failures-dir', checkDir]);
    const [saved] = readdirSync(checkDir);
    expect(readFileSync(join(checkDir, saved ?? ''), 'utf8')).toBe(readFileSync(report.filePath ?? '', 'utf8'));
    const lines = check.out.split('\n');
    expect(lines.slice(1, 1 + shownRunLines(report).length)).toEqual(shownRunLines(report));
    const nearestAt = lines.indexOf(nearestPassLines(report)[0] ?? '');
    expect(lines.slice(nearestAt, nearestAt + nearestPassLines(report).length)).toEqual(nearestPassLines(report));
  });

  it('without a folder it saves nothing; replay of the failing seed prints the nearest pass the pipeline finds for it', async () => {
    const { source, failure } = await firstFailure();
    const report = await runFailurePipeline(foundInSweep(failure), { source, module: buggy, shrink: false });
    expect(report.filePath).toBeUndefined();
    expect(report.counterexample.before).toEqual(report.counterexample.after);
    expect(shownRunLines(report)).toEqual([`seed ${failure.seed} failed, shown below as found: ${failure.message}`]);
    const replay = await runCli(['replay', '--seed', String(failure.seed), buggy]);
    expect(replay.code).toBe(1);
    const lines = replay.out.split('\n');
    expect(lines.slice(-nearestPassLines(report).length)).toEqual(nearestPassLines(report));
  });
});
