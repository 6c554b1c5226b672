import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { exhaustivePins, exploreExhaustively } from '../src/explore/exhaustive.ts';
import { prepareCounterexample } from '../src/explore/counterexample.ts';
import { replayStrategy } from '../src/explore/replay-strategy.ts';
import { sweep } from '../src/explore/sweep.ts';
import { RandomStreams } from '../src/kernel/random.ts';
import { simulate } from '../src/simulate.ts';
import { buggyExamples, exampleSource, goodExamples, traceHash } from './support.ts';

describe('exhaustive search', () => {
  for (const name of [...goodExamples, ...buggyExamples]) {
    it(`over 2 clients × 1 document agrees with random search on ${name}`, async () => {
      const source = await exampleSource(name);
      const exhaustive = await exploreExhaustively({ source, config: drawConfig(1, exhaustivePins(2, 1)), schedulesMax: 20_000 });
      const random = await sweep({ source, runs: 2000, seed: 1, pins: { clients: 2, documents: 1, strategy: 'random', faultMode: 'never' } });
      expect(exhaustive.failure === undefined ? 'pass' : 'fail').toBe(random.verdict);
      if (exhaustive.failure === undefined) {
        expect(exhaustive.complete).toBe(true);
        expect(exhaustive.schedules).toBeGreaterThan(1);
      }
    });
  }

  it('sleep sets only prune: the reduced search reaches the verdicts of the full one with fewer schedules', async () => {
    for (const name of ['good-static-key.ts', 'good-store-backed-dynamic.ts', 'buggy-discard-previous-key.ts']) {
      const source = await exampleSource(name);
      const config = drawConfig(1, exhaustivePins(2, 1));
      const reduced = await exploreExhaustively({ source, config, schedulesMax: 100_000 });
      const full = await exploreExhaustively({ source, config, schedulesMax: 100_000, reduction: false });
      expect(reduced.failure === undefined).toBe(full.failure === undefined);
      if (full.failure === undefined) {
        expect(full.complete && reduced.complete).toBe(true);
        expect(reduced.schedules).toBeLessThan(full.schedules);
        expect(full.pruned).toBe(0);
      }
    }
    const cut = await exploreExhaustively({ source: await exampleSource('good-static-key.ts'), config: drawConfig(1, exhaustivePins(2, 1)), schedulesMax: 5 });
    expect(cut).toMatchObject({ complete: false, schedules: 5 });
  });
});

// Upper bounds on the shrunk counterexample of each bundled buggy example: the clients and events it needs.
const shrinkBounds: Record<string, { clients: number; steps: number }> = {
  'buggy-new-key-every-call.ts': { clients: 1, steps: 8 },
  'buggy-memory-only-keys.ts': { clients: 1, steps: 8 },
  'buggy-expiring-keys.ts': { clients: 1, steps: 14 },
  'buggy-unawaited-write.ts': { clients: 1, steps: 10 },
  'buggy-timestamp-hint-overwrite.ts': { clients: 2, steps: 12 },
  'buggy-discard-previous-key.ts': { clients: 2, steps: 30 },
  'buggy-swallowed-write.ts': { clients: 2, steps: 120 },
};

describe('shrinking', () => {
  for (const name of buggyExamples) {
    it(`shrinks ${name} to at most the clients and events it needs, and the shrunk run replays byte for byte`, async () => {
      const source = await exampleSource(name);
      const bound = shrinkBounds[name];
      if (bound === undefined) throw new Error(`no shrink bound stated for ${name}`);
      for (const seed of [3, 101]) {
        const report = await sweep({ source, runs: 2000, seed, pins: { clients: 5 } });
        const failure = report.failure;
        if (failure === undefined) throw new Error(`${name} was not caught`);
        const prepared = await prepareCounterexample(source, { module: name, ...failure, decisions: failure.replayed.decisions ?? [] }, true);
        expect(prepared.after.clients).toBeLessThanOrEqual(bound.clients);
        expect(prepared.after.steps).toBeLessThanOrEqual(bound.steps);
        expect(prepared.before.clients).toBe(5);
        const keys = prepared.file.decisions.map((decision) => decision.event);
        const again = await simulate({ config: prepared.file.config, source, record: true, strategy: replayStrategy(keys) });
        expect(traceHash(again)).toBe(traceHash(prepared.result));
        expect(again.outcome.kind === 'violation' && again.outcome.violation.property).toBe(failure.property);
      }
    });
  }
});

describe('edit-proof replay', () => {
  it('a decision file still replays after a change adds a random draw to another component, where the raw seed drifts', async () => {
    const source = await exampleSource('buggy-unawaited-write.ts');
    const report = await sweep({ source, runs: 2000, seed: 1, pins: {} });
    const failure = report.failure;
    if (failure === undefined) throw new Error('not caught');
    const prepared = await prepareCounterexample(source, { module: 'x', ...failure, decisions: failure.replayed.decisions ?? [] }, false);
    const keys = prepared.file.decisions.map((decision) => decision.event);
    // The "code change": every stream named `scheduler` or `network` now starts with one extra draw.
    const original = RandomStreams.prototype.get;
    RandomStreams.prototype.get = function (this: RandomStreams, name: string) {
      const fresh = !(this as unknown as { streams: Map<string, unknown> }).streams.has(name);
      const stream = original.call(this, name);
      if (fresh && (name === 'scheduler' || name === 'network')) stream.next();
      return stream;
    };
    try {
      const bySeed = await simulate({ config: failure.config, source, record: true });
      const byFile = await simulate({ config: prepared.file.config, source, record: true, strategy: replayStrategy(keys) });
      expect(traceHash(bySeed)).not.toBe(traceHash(failure.replayed));
      expect(byFile.decisions).toEqual(keys);
      expect(byFile.outcome.kind === 'violation' && byFile.outcome.violation.property).toBe(failure.property);
    } finally {
      RandomStreams.prototype.get = original;
    }
  });
});

describe('PCT', () => {
  it('the same seed gives the same PCT schedule, and different depths give different schedules', async () => {
    const source = await exampleSource('good-store-backed-dynamic.ts');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 100_000 }), async (seed) => {
        const config = drawConfig(seed, { strategy: 'pct', pctDepth: 3, clients: 4 });
        expect(traceHash(await simulate({ config, source, record: true }))).toBe(traceHash(await simulate({ config, source, record: true })));
      }),
      { numRuns: 20 },
    );
  });

  it('the portfolio finds the hardest bundled bug in fewer runs than uniform random, over 20 first seeds', async () => {
    const source = await exampleSource('buggy-unawaited-write.ts');
    const runsToFind = async (pins: object, seed: number): Promise<number> => (await sweep({ source, runs: 5000, seed: seed * 7919, pins })).runs;
    let portfolioTotal = 0;
    let randomTotal = 0;
    for (let seed = 0; seed < 20; seed++) {
      portfolioTotal += await runsToFind({}, seed);
      randomTotal += await runsToFind({ strategy: 'random' }, seed);
    }
    expect(portfolioTotal).toBeLessThan(randomTotal);
  });
});
