import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { sweep } from '../src/explore/sweep.ts';
import { sourceFromFactory } from '../src/providers/source.ts';
import type { CreateProvider } from '../src/providers/types.ts';
import { simulate } from '../src/simulate.ts';
import { exampleSource, goodExamples, traceHash } from './support.ts';

// Every good example under a fault plan in every run: 3,000 seeds here, and `npm run soak` for the long sweep
// (300,000 seeds a mode) that does not fit in `npm test`.
const faultedRuns = 3_000;

describe('faults', () => {
  for (const name of goodExamples) {
    it(`${name} passes ${faultedRuns.toLocaleString('en')} runs with a fault plan in every run`, async () => {
      const source = await exampleSource(name);
      const report = await sweep({ source, runs: faultedRuns, seed: 500_000, pins: { faultMode: 'always' } });
      expect(report.failure?.message).toBeUndefined();
      expect(report.verdict).toBe('pass');
    });
  }

  it('a provider that swallows a failed write and returns the unsaved key is caught by default check', async () => {
    const source = await exampleSource('buggy-swallowed-write.ts');
    for (const seed of [1, 1000, 77_777]) {
      const report = await sweep({ source, runs: 2000, seed, pins: {} });
      expect(report.verdict).toBe('fail');
      expect(['liveness', 'retention', 'agreement']).toContain(report.failure?.property);
    }
  });

  it('fault plans are part of the replay: the same seed gives the same faults and the same trace', async () => {
    const source = await exampleSource('good-store-backed-dynamic.ts');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), async (seed, clients) => {
        const config = drawConfig(seed, { clients, faultMode: 'always' });
        expect(drawConfig(seed, { clients, faultMode: 'always' }).faults).toEqual(config.faults);
        const first = await simulate({ config, source, record: true });
        const second = await simulate({ config, source, record: true });
        expect(traceHash(second)).toBe(traceHash(first));
      }),
      { numRuns: 60 },
    );
  });

  it('faults stop at the end of the fault phase: no fault and no key-store failure starts after it', async () => {
    const source = await exampleSource('good-timestamp-hint.ts');
    for (let seed = 0; seed < 200; seed++) {
      const config = drawConfig(seed, { faultMode: 'always' });
      const result = await simulate({ config, source, record: true });
      const phaseEndMs = config.faults?.phaseEndMs ?? 0;
      for (const record of result.trace ?? []) {
        if (record.kind === 'fault') expect(record.timeMs).toBeLessThan(phaseEndMs);
        // A failed operation may complete after the phase (a timeout takes 30 s), but none starts after it.
        if (record.kind === 'store' && record.result === 'FAILED (failure)') expect(record.timeMs).toBeLessThan(phaseEndMs + 10_000);
      }
    }
  });
});

describe('clocks', () => {
  // Each client reports its wall clock as the key hint of a new key; `readings` keeps every call's reading.
  let readings: number[] = [];
  const clockReporter: CreateProvider = (env) => async ({ keyHint }) => {
    readings.push(env.now());
    return { key: 'k', keyHint: keyHint ?? `${env.clientId}@${env.now()}` };
  };

  it('env.now() is the client\'s own clock: within the skew and drift bounds, and different clients disagree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 120_000 }), async (seed, skewMsMax) => {
        const config = drawConfig(seed, { clients: 4, clocks: { skewMsMax, driftPpmMax: 100 }, faultMode: 'never' });
        readings = [];
        const result = await simulate({ config, source: sourceFromFactory(clockReporter), record: true });
        const calls = (result.trace ?? []).filter((record) => record.kind === 'provider-call');
        expect(calls.length).toBe(readings.length);
        const offsets = new Set<number>();
        for (const [index, record] of calls.entries()) {
          const offset = (readings[index] ?? 0) - (config.epochMs + record.timeMs);
          expect(Math.abs(offset)).toBeLessThanOrEqual(skewMsMax + Math.ceil((record.timeMs * 100) / 1_000_000));
          offsets.add(offset);
        }
        if (skewMsMax >= 1000) expect(offsets.size).toBeGreaterThan(1);
      }),
      { numRuns: 40 },
    );
  });

  it('with exact clocks every client reads the same wall clock at the same virtual time', async () => {
    const config = drawConfig(3, { clients: 3, clocks: { skewMsMax: 0, driftPpmMax: 0 }, faultMode: 'never', arrivalTimesMs: [0, 0, 0] });
    const result = await simulate({ config, source: sourceFromFactory(clockReporter), record: true });
    for (const record of result.trace ?? []) {
      if (record.kind === 'provider-answer' && record.requestedHint === null) expect(Number(record.keyHint.split('@')[1])).toBe(config.epochMs + record.timeMs);
    }
  });
});

describe('eventual consistency', () => {
  it('reads miss writes younger than the lag, and a provider that propagates the miss still converges through retries', async () => {
    const source = await exampleSource('good-store-backed-dynamic.ts');
    let missed = 0;
    for (let seed = 0; seed < 300; seed++) {
      const config = drawConfig(seed, { faultMode: 'never', keyStoreConsistency: { mode: 'eventual', lagMs: 800 } });
      const result = await simulate({ config, source, record: true });
      expect(result.outcome).toEqual({ kind: 'pass' });
      const writes = new Map<string, number>();
      for (const record of result.trace ?? []) {
        if (record.kind !== 'store') continue;
        if (record.operation === 'setIfAbsent' && record.result === 'true') writes.set(record.key, record.timeMs);
        const writtenAt = writes.get(record.key);
        if (record.operation === 'get' && writtenAt !== undefined) {
          expect(record.result === 'undefined').toBe(record.timeMs - writtenAt < 800);
          if (record.result === 'undefined') missed++;
        }
      }
    }
    expect(missed).toBeGreaterThan(0);
  });
});
