import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { exhaustivePins, exploreExhaustively, type ExhaustiveOptions, type ExhaustiveReport } from '../src/explore/exhaustive.ts';
import { prepareCounterexample } from '../src/explore/counterexample.ts';
import { observationFingerprint, traceFingerprint, type TraceStep } from '../src/explore/exhaustive-trace.ts';
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
        // Every two-browser space fits the budget: the largest (shared-recent-key) has 6,508 traces.
        expect(exhaustive.complete).toBe(true);
        expect(exhaustive.schedules).toBeGreaterThan(1);
      }
    });
  }

  it('DPOR only prunes: on 2 clients it reaches exactly the traces and verdicts of full enumeration, each once', async () => {
    const config = drawConfig(1, exhaustivePins(2, 1));
    const source = await exampleSource('good-static-key.ts');
    const reduced = await collectExecutions({ source, config, schedulesMax: 100_000 });
    const full = await collectExecutions({ source, config, schedulesMax: 100_000, reduction: false });
    expect(full.report.complete && reduced.report.complete).toBe(true);
    expect([...reduced.traces].sort()).toEqual([...full.traces].sort());
    expect(reduced.verdicts).toEqual(full.verdicts);
    expect(reduced.report.executions).toBe(reduced.traces.size);
    expect(full.report.executions).toBeGreaterThan(2 * full.traces.size);
    const cut = await exploreExhaustively({ source, config, schedulesMax: 5 });
    expect(cut).toMatchObject({ complete: false, schedules: 5 });
  });

  for (const name of ['buggy-new-key-every-call.ts', 'buggy-memory-only-keys.ts', 'buggy-unawaited-write.ts', 'good-static-key.ts']) {
    it(`DPOR reaches the verdicts and traces of full enumeration over 1 client on ${name}`, async () => {
      const config = drawConfig(1, exhaustivePins(1, 1));
      const source = await exampleSource(name);
      const reduced = await collectExecutions({ source, config, schedulesMax: 20_000 });
      const full = await collectExecutions({ source, config, schedulesMax: 20_000, reduction: false });
      expect(full.report.complete && reduced.report.complete).toBe(true);
      expect(reduced.verdicts).toEqual(full.verdicts);
      expect([...reduced.traces].sort()).toEqual([...full.traces].sort());
      expect(reduced.report.executions - reduced.report.discarded).toBe(reduced.traces.size);
    });
  }

  // This provider reads the clock (Date.now as the key hint): the events that lead to a reading are time-relevant,
  // and the search must reach every order of conflicting events with every clock reading that full enumeration
  // reaches (34,144 executions), though it runs a small fraction of its executions.
  for (const name of ['buggy-timestamp-hint-overwrite.ts']) {
    it(`DPOR reaches every observation and verdict of full enumeration over 2 clients on ${name}, a provider that reads the clock`, async () => {
      const config = drawConfig(1, exhaustivePins(2, 1));
      const source = await exampleSource(name);
      const reduced = await collectExecutions({ source, config, schedulesMax: 100_000 });
      const full = await collectExecutions({ source, config, schedulesMax: 100_000, reduction: false });
      expect(full.report.complete && reduced.report.complete).toBe(true);
      expect(reduced.report.timeRelevant.length).toBeGreaterThan(0);
      expect(reduced.report.timeRelevant).toEqual(full.report.timeRelevant);
      expect(reduced.verdicts).toEqual(full.verdicts);
      expect([...reduced.observations].sort()).toEqual([...full.observations].sort());
      expect(reduced.report.executions).toBeLessThan(full.report.executions / 10);
      // Blind to the clock, the search covers the orders of conflicting events but not which millisecond each
      // reading fell on: a small part of the observations.
      const blind = await exploreExhaustively({ source, config, schedulesMax: 100_000, exactClock: false, stopAtFailure: false });
      expect(blind.complete).toBe(true);
      expect(blind.schedules).toBeLessThan(full.observations.size / 5);
    });
  }

  it('DPOR never starts two executions of one Mazurkiewicz trace: 3 clients, cut at 300', async () => {
    const collected = await collectExecutions({ source: await exampleSource('good-store-backed-dynamic.ts'), config: drawConfig(1, exhaustivePins(3, 1)), schedulesMax: 300 });
    expect(collected.report).toMatchObject({ complete: false, schedules: 300 });
    expect(collected.traces.size).toBe(300);
    // The few extra executions are abandoned midway (every enabled event asleep), never a repeated trace.
    expect(collected.report.executions).toBeLessThanOrEqual(1.5 * 300);
  });

  it('the clock is a dependency: a provider that reads it is explored beyond the first violating order', async () => {
    const config = drawConfig(1, exhaustivePins(2, 1));
    const source = await exampleSource('buggy-timestamp-hint-overwrite.ts');
    const exact = await collectExecutions({ source, config, schedulesMax: 400 });
    expect(exact.verdicts).toEqual(['hint-stability', 'pass']);
    expect(exact.report.timeRelevant).toContain('store:c1#1');
  });
});

// Upper bounds on the shrunk counterexample of each bundled buggy example: the clients and events it needs. A
// browser and a retention probe ask for 5 minutes (about 14 attempts) before they give up, so a shrunk run that
// ends in a liveness or retention failure holds the retries of that wait.
const shrinkBounds: Record<string, { clients: number; steps: number }> = {
  'buggy-new-key-every-call.ts': { clients: 1, steps: 8 },
  'buggy-memory-only-keys.ts': { clients: 1, steps: 8 },
  'buggy-expiring-keys.ts': { clients: 1, steps: 14 },
  'buggy-unawaited-write.ts': { clients: 1, steps: 15 },
  'buggy-timestamp-hint-overwrite.ts': { clients: 2, steps: 12 },
  'buggy-discard-previous-key.ts': { clients: 2, steps: 50 },
  'buggy-swallowed-write.ts': { clients: 2, steps: 120 },
  'buggy-fresh-key-on-retry.ts': { clients: 2, steps: 20 },
  'buggy-write-behind-keys.ts': { clients: 1, steps: 700 },
  // Cross-document mistakes need two documents, so two browsers; the liveness form of the shared record a third.
  'buggy-cache-without-document.ts': { clients: 2, steps: 19 },
  'buggy-shared-recent-key.ts': { clients: 3, steps: 64 },
  // One browser, and the probe that reopens its document 31 days later.
  'buggy-keys-expire-after-30-days.ts': { clients: 1, steps: 45 },
  // The page's timers and storage (src/browser/). The probe two years later; a fresh browser without the
  // localStorage of the one that made the key; a save debounced past a crash. A second tab keeps the clients up
  // to its number: the shrinker does not renumber tabs (yet).
  'buggy-two-year-cryptoperiod.ts': { clients: 1, steps: 35 },
  'buggy-keys-in-local-storage.ts': { clients: 2, steps: 26 },
  'buggy-debounced-key-save.ts': { clients: 4, steps: 70 },
  'buggy-broadcast-document-key.ts': { clients: 4, steps: 40 },
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

/**
 * Runs an exhaustive search through every execution (not stopping at a violation), collecting the trace
 * fingerprints of its last pass (under the time-relevant events it learned) and the verdicts of every pass.
 */
async function collectExecutions(
  options: Omit<ExhaustiveOptions, 'onExecution' | 'stopAtFailure'>,
): Promise<{ report: ExhaustiveReport; traces: Set<string>; observations: Set<string>; verdicts: string[] }> {
  const executions: Array<readonly TraceStep[]> = [];
  const verdicts = new Set<string>();
  let lastPass = 0;
  const report = await exploreExhaustively({
    ...options,
    stopAtFailure: false,
    onExecution: ({ steps, outcome, pass }) => {
      if (pass !== lastPass) executions.length = 0;
      lastPass = pass;
      executions.push(steps);
      verdicts.add(outcome.kind === 'violation' ? outcome.violation.property : outcome.kind);
    },
  });
  const traces = new Set(executions.map((steps) => traceFingerprint(steps, options.exactClock ?? true, report.timeRelevant)));
  const observations = new Set(executions.map((steps) => observationFingerprint(steps, report.timeRelevant)));
  return { report, traces, observations, verdicts: [...verdicts].sort() };
}
