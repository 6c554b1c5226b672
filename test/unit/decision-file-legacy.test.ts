import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDecisionFile } from '../../src/explore/decision-file.ts';
import { replayStrategy } from '../../src/explore/replay-strategy.ts';
import { sourceFromFactory } from '../../src/providers/source.ts';
import { simulate } from '../../src/simulate.ts';
import { storeBacked, unitConfig } from './support.ts';
import { temporaryFolder } from '../temporary-folder.ts';

const regression = fileURLToPath(new URL('../../scenarios/regressions/unawaited-write-probe-reads-first.json', import.meta.url));

describe('decision files written before retention horizons', () => {
  it('read their quiet period as two horizons: at once, and after it', () => {
    const legacy = JSON.parse(readFileSync(regression, 'utf8')) as { config: Record<string, unknown> };
    const { retentionHorizonsMs: _horizons, ...config } = legacy.config;
    const path = join(temporaryFolder('rtc-sim-legacy-'), 'legacy.json');
    writeFileSync(path, JSON.stringify({ ...legacy, config: { ...config, quietPeriodMs: 21_600_000 } }));
    const file = readDecisionFile(path);
    expect(file.ok && file.value.config.retentionHorizonsMs).toEqual([0, 21_600_000]);
    expect(file.ok && 'quietPeriodMs' in file.value.config).toBe(false);
  });
});

describe('a legacy decision naming the old quiet-period timer', () => {
  it('is followed by the default choice, and the replay names the event that no longer exists', async () => {
    const config = unitConfig({ clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 21_600_000] });
    const source = sourceFromFactory(storeBacked, 'unit');
    const recorded = await simulate({ config, source, record: true });
    const legacy = (recorded.decisions ?? []).map((key) => (key === 'retention-horizon:1' ? 'quiet-period-end' : key));
    expect(legacy).toContain('quiet-period-end');
    const drift = { missed: 0, firstMissedStep: undefined as number | undefined, firstMissedEvent: undefined as string | undefined };
    const replayed = await simulate({ config, source, record: true, strategy: replayStrategy(legacy, drift) });
    expect(replayed.outcome).toEqual({ kind: 'pass' });
    expect(replayed.decisions).toEqual(recorded.decisions);
    expect(drift).toEqual({ missed: 1, firstMissedStep: legacy.indexOf('quiet-period-end'), firstMissedEvent: 'quiet-period-end' });
  });
});
