import { describe, expect, it } from 'vitest';
import { retentionHorizonsMsDefault } from '../../src/config/run-config.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { sweep } from '../../src/explore/sweep.ts';
import { simulate } from '../../src/simulate.ts';
import { exampleSource } from '../../properties/support.ts';

const yearMs = 365 * 24 * 60 * 60 * 1000;

describe('documents that live for years', () => {
  it('retention is checked 2, 5 and 10 years after the race by default', () => {
    expect(retentionHorizonsMsDefault.slice(-3)).toEqual([2 * yearMs, 5 * yearMs, 10 * yearMs]);
  });

  it('a two-year cryptoperiod enforced on reads is caught by the probe two years later, not by the one a year later', async () => {
    const report = await sweep({ source: await exampleSource('buggy-two-year-cryptoperiod.ts'), runs: 20, seed: 1, pins: {} });
    expect(report.failure?.property).toBe('retention');
    expect(report.failure?.message).toMatch(/a fresh browser \(probe-6\) opening d\d 2 years later could not get the key .* past its cryptoperiod/);
  });

  it("an hourly setInterval left running for ten years costs a few events per quiet period, not one per hour, and the run passes", async () => {
    const source = await exampleSource('good-hourly-rotation-interval.ts');
    const config = drawConfig(3, { clients: 3, faultMode: 'never' });
    const result = await simulate({ config, source, record: true });
    expect(result.outcome.kind).toBe('pass');
    const ticks = (result.trace ?? []).filter((record) => record.kind === 'timer' && record.source === 'setInterval');
    // Hourly for ten years would be 87,600 per browser; across each quiet period an interval fires once at its end.
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.length).toBeLessThanOrEqual(3 * 2 * retentionHorizonsMsDefault.length);
    const lastTick = ticks.at(-1);
    expect(lastTick?.timeMs).toBeGreaterThan(5 * yearMs);
  });
});
