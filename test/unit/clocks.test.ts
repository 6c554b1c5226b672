import { describe, expect, it } from 'vitest';
import { forkStream } from '../../src/kernel/random.ts';
import { drawClock, driftOffsetMsMax } from '../../src/model/clocks.ts';

const epochMs = 1_000_000;

describe('drawClock', () => {
  it('reads the epoch plus virtual time when no settings are given or the bounds are zero, and draws nothing', () => {
    for (const settings of [undefined, { skewMsMax: 0, driftPpmMax: 0 }]) {
      const stream = forkStream(1, 'clock');
      const clock = drawClock(epochMs, settings, stream, 'c1');
      expect(clock.skewMs).toBe(0);
      expect(clock.driftPpm).toBe(0);
      expect(clock.read(0)).toBe(epochMs);
      expect(clock.read(2_500)).toBe(epochMs + 2_500);
      // The stream was not drawn from.
      expect(stream.next()).toBe(forkStream(1, 'clock').next());
    }
  });

  it('draws skew and drift within the bounds, from the given stream', () => {
    const skews = new Set<number>();
    for (let seed = 0; seed < 200; seed++) {
      const clock = drawClock(epochMs, { skewMsMax: 3, driftPpmMax: 2 }, forkStream(seed, 'clock'), 'c1');
      expect(Math.abs(clock.skewMs)).toBeLessThanOrEqual(3);
      expect(Math.abs(clock.driftPpm)).toBeLessThanOrEqual(2);
      expect(Number.isInteger(clock.driftPpm)).toBe(true);
      skews.add(clock.skewMs);
    }
    expect([...skews].sort()).toEqual([-1, -2, -3, 0, 1, 2, 3]);
    const expected = forkStream(7, 'clock');
    const skew = expected.integer(-500, 500);
    const drift = Math.round((expected.next() * 2 - 1) * 100);
    const clock = drawClock(epochMs, { skewMsMax: 500, driftPpmMax: 100 }, forkStream(7, 'clock'), 'c1');
    expect([clock.skewMs, clock.driftPpm]).toEqual([skew, drift]);
  });

  it('draws only the drift when the skew bound is zero, and only the skew when the drift bound is zero', () => {
    const expected = forkStream(3, 'clock');
    const onlyDrift = drawClock(epochMs, { skewMsMax: 0, driftPpmMax: 1000 }, forkStream(3, 'clock'), 'c1');
    expect(onlyDrift.skewMs).toBe(0);
    expect(onlyDrift.driftPpm).toBe(Math.round((expected.next() * 2 - 1) * 1000));
    const onlySkew = drawClock(epochMs, { skewMsMax: 1000, driftPpmMax: 0 }, forkStream(3, 'clock'), 'c1');
    expect(onlySkew.driftPpm).toBe(0);
    expect(onlySkew.skewMs).toBe(forkStream(3, 'clock').integer(-1000, 1000));
  });

  it('a pinned skew wins for its node only', () => {
    const settings = { skewMsMax: 0, driftPpmMax: 0, skewsMs: { c2: -700 } };
    expect(drawClock(epochMs, settings, forkStream(1, 'x'), 'c2').read(100)).toBe(epochMs + 100 - 700);
    expect(drawClock(epochMs, settings, forkStream(1, 'x'), 'c1').read(100)).toBe(epochMs + 100);
  });

  it('drifts in parts per million, rounded, and reads true time after a synchronisation', () => {
    const stream = { next: () => 1, integer: () => 250 } as unknown as Parameters<typeof drawClock>[2];
    // next() = 1 draws the full positive drift: 2 ms per 1,000 ms... (2,000 ppm).
    const clock = drawClock(epochMs, { skewMsMax: 300, driftPpmMax: 2_000 }, stream, 'c1');
    expect([clock.skewMs, clock.driftPpm]).toEqual([250, 2_000]);
    expect(clock.read(1_000)).toBe(epochMs + 1_000 + 250 + 2);
    expect(clock.read(1_250)).toBe(epochMs + 1_250 + 250 + 3);
    expect(clock.read(1_200)).toBe(epochMs + 1_200 + 250 + 2);
    clock.synchronise(5_000);
    expect([clock.skewMs, clock.driftPpm]).toEqual([0, 0]);
    expect(clock.read(5_000)).toBe(epochMs + 5_000);
    expect(clock.read(9_000)).toBe(epochMs + 9_000);
  });

  it('measures drift from the synchronisation on', () => {
    const stream = { next: () => 0, integer: () => 0 } as unknown as Parameters<typeof drawClock>[2];
    const clock = drawClock(epochMs, { skewMsMax: 0, driftPpmMax: 1_000 }, stream, 'c1');
    expect(clock.driftPpm).toBe(-1_000);
    expect(clock.read(10_000)).toBe(epochMs + 10_000 - 10);
  });
});

describe('drift over the quiet months', () => {
  const yearMs = 365 * 24 * 60 * 60 * 1000;

  it('stays within driftOffsetMsMax of true time, however long the node lives', () => {
    const clock = drawClock(epochMs, { skewMsMax: 0, driftPpmMax: 200, skewsMs: { c1: 0 } }, forkStream(1, 'clock'), 'c1');
    expect(Math.abs(clock.driftPpm)).toBeGreaterThan(0);
    expect(Math.abs(clock.read(yearMs) - (epochMs + yearMs))).toBe(driftOffsetMsMax);
    // Within a race (minutes), drift is what the rate says.
    expect(clock.read(600_000) - (epochMs + 600_000)).toBe(Math.round((600_000 * clock.driftPpm) / 1_000_000));
  });

  it('counts from when the node started: a browser opened a year later has drifted only since then', () => {
    const settings = { skewMsMax: 0, driftPpmMax: 200 };
    const born = drawClock(epochMs, settings, forkStream(1, 'clock'), 'probe-5', yearMs);
    expect(born.read(yearMs)).toBe(epochMs + yearMs);
    expect(born.read(yearMs + 10_000) - (epochMs + yearMs + 10_000)).toBe(Math.round((10_000 * born.driftPpm) / 1_000_000));
  });
});
