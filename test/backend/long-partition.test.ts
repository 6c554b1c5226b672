import { describe, expect, it } from 'vitest';
import { drawWorld } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { simulate } from '../../src/simulate.ts';
import { describeRecord } from '../../src/report/describe-record.ts';

const example = (name: string): string => new URL(`../../examples/providers/fetch/${name}`, import.meta.url).pathname;

describe('a fault that outlasts the fault phase', () => {
  // The fault phase ends at 2 s, but a partition drawn at 0.5 s holds the browser's messages for 30 s (the key
  // store takes 1.5 s, so the backend's answer is held): the provider's 3 s fetch timeout fires again and again.
  // Failures while a fault still holds are not the provider's, so the browser keeps trying and settles once the
  // partition heals (it gave up after its 4th try, at 19 s, when the fault phase's end was taken as the faults' end).
  it('a provider with a 3 s fetch timeout keeps being called until a 30 s partition heals, and settles', async () => {
    const loaded = await loadProviderSource(example('good-short-fetch-timeout.ts'), undefined, example('backend.ts'));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const source = loaded.value;
    const faults = { phaseEndMs: 2_000, events: [{ kind: 'partition' as const, atMs: 500, client: 'c1', healAfterMs: 30_000 }], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 };
    const fixed = (ms: number) => ({ minMs: ms, maxMs: ms, tailProbability: 0, tailMaxMs: ms });
    const pins = { clients: 1, documents: 1, backendInstances: 1, faults, arrivalSpreadMs: 0, network: fixed(1), keyStore: fixed(1_500), retryBackoffMs: 1_000, clocks: { skewMsMax: 0, driftPpmMax: 0 } };
    const config = drawWorld(504, pins, source);
    const run = await simulate({ config, source, record: true });
    expect(run.outcome).toEqual({ kind: 'pass' });
    const calls = (run.trace ?? []).filter((record) => record.kind === 'provider-call').map((record) => record.timeMs);
    // More than the 4 attempts a client makes once faults are over, the last one after the partition healed.
    expect(calls.length).toBeGreaterThan(4);
    expect(calls.at(-1)).toBeGreaterThanOrEqual(30_500);
    expect((run.trace ?? []).map(describeRecord).some((line) => /gave up|failed:/.test(line))).toBe(false);
  }, 120_000);
});
