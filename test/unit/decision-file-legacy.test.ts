import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDecisionFile } from '../../src/explore/decision-file.ts';

const regression = fileURLToPath(new URL('../../scenarios/regressions/unawaited-write-probe-reads-first.json', import.meta.url));

describe('decision files written before retention horizons', () => {
  it('read their quiet period as two horizons: at once, and after it', () => {
    const legacy = JSON.parse(readFileSync(regression, 'utf8')) as { config: Record<string, unknown> };
    const { retentionHorizonsMs: _horizons, ...config } = legacy.config;
    const path = join(mkdtempSync(join(tmpdir(), 'rtc-sim-legacy-')), 'legacy.json');
    writeFileSync(path, JSON.stringify({ ...legacy, config: { ...config, quietPeriodMs: 21_600_000 } }));
    const file = readDecisionFile(path);
    expect(file.ok && file.value.config.retentionHorizonsMs).toEqual([0, 21_600_000]);
    expect(file.ok && 'quietPeriodMs' in file.value.config).toBe(false);
  });
});
