import { describe, expect, it } from 'vitest';
import { selfCheckEveryRuns, sweep } from '../src/explore/sweep.ts';
import { sourceFromFactory } from '../src/providers/source.ts';
import type { CreateProvider } from '../src/providers/types.ts';
import { exampleSource } from './support.ts';

describe('the determinism self-check of check', () => {
  it('a provider whose answers depend on state kept between runs gets a nondeterminism verdict with where the traces part', async () => {
    // The counter lives outside the factory: every run, and every re-run of a seed, sees a different value.
    let callsEver = 0;
    const leaky: CreateProvider = () => async ({ keyHint }) => ({ key: 'one key', keyHint: keyHint ?? `h${callsEver++}` });
    const report = await sweep({ source: sourceFromFactory(leaky), runs: selfCheckEveryRuns * 2, seed: 1, pins: { faultMode: 'never' } });
    expect(report.verdict).toBe('fail');
    expect(report.failure?.property).toBe('nondeterminism');
    expect(report.failure?.message).toMatch(/run twice gave different traces; they part at step \d+ \(c\d+\), record \d+: first run: .*keyHint: "h\d+".*; second run: .*keyHint: "h\d+"/);
    expect(report.failure?.message).toMatch(/c\d+'s last call of createProvider before that was provider\(\{ documentId: "d\d+", keyHint: null \}\) at step \d+/);
  });

  it('every bundled example passes the self-check: deterministic providers are never accused', async () => {
    const source = await exampleSource('good-timestamp-hint.ts');
    const report = await sweep({ source, runs: selfCheckEveryRuns * 5, seed: 11, pins: {} });
    expect(report.verdict).toBe('pass');
  });
});
