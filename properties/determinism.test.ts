import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { replay, sweep } from '../src/explore/sweep.ts';
import { simulate } from '../src/simulate.ts';
import { buggyExamples, exampleSource, goodExamples, traceHash } from './support.ts';

const allExamples = [...goodExamples, ...buggyExamples];

describe('determinism', () => {
  it('the same seed gives a byte-identical trace, for any example, seed and world size', async () => {
    const sources = new Map(await Promise.all(allExamples.map(async (name) => [name, await exampleSource(name)] as const)));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...allExamples),
        fc.integer({ min: 0, max: 2 ** 32 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        async (name, seed, clients, documents) => {
          const source = sources.get(name);
          if (source === undefined) throw new Error(`no source for ${name}`);
          const config = drawConfig(seed, { clients, documents });
          const first = await simulate({ config, source, record: true });
          const second = await simulate({ config, source, record: true });
          expect(first.trace?.length).toBeGreaterThan(0);
          expect(traceHash(second)).toBe(traceHash(first));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a run does not depend on the runs before it in the same process', async () => {
    const source = await exampleSource('buggy-memory-only-keys.ts');
    const alone = await simulate({ config: drawConfig(4242, {}), source, record: true });
    await sweep({ source, runs: 50, seed: 1, pins: {} });
    const afterOthers = await simulate({ config: drawConfig(4242, {}), source, record: true });
    expect(traceHash(afterOthers)).toBe(traceHash(alone));
  });

  it('recording the trace does not change the run: the sweep\'s silent run and its replay end alike', async () => {
    const source = await exampleSource('good-timestamp-hint.ts');
    for (let seed = 100; seed < 140; seed++) {
      const config = drawConfig(seed, { clients: 4 });
      const silent = await simulate({ config, source });
      const recorded = await simulate({ config, source, record: true });
      expect({ outcome: silent.outcome, steps: silent.steps, endTimeMs: silent.endTimeMs }).toEqual({
        outcome: recorded.outcome,
        steps: recorded.steps,
        endTimeMs: recorded.endTimeMs,
      });
    }
  });

  for (const name of buggyExamples) {
    it(`replay of ${name}'s failing seed reproduces the failing run byte for byte`, async () => {
      const source = await exampleSource(name);
      const report = await sweep({ source, runs: 2000, seed: 7, pins: { clients: 3 } });
      const failure = report.failure;
      if (failure === undefined) throw new Error(`${name} was not caught`);
      expect(failure.property).not.toBe('nondeterminism');
      const replayed = await replay(source, failure.seed, { clients: 3 });
      expect(replayed.outcome.kind).toBe('violation');
      expect(traceHash(replayed)).toBe(traceHash(failure.replayed));
    });
  }
});
