// One large rtc-sim run (many clients or many documents): its speed, and its heap and RSS cost per event.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ConfigPins } from '../src/config/run-config.ts';
import { drawConfig } from '../src/config/swarm.ts';
import { createStrategy } from '../src/explore/strategies.ts';
import { RandomStreams } from '../src/kernel/random.ts';
import type { Strategy } from '../src/kernel/strategy.ts';
import type { ProviderSource } from '../src/providers/source.ts';
import { simulate, type RunOutcome } from '../src/simulate.ts';

/** What one large run measured. */
export interface LargeRunResult {
  readonly pins: ConfigPins;
  readonly seed: number;
  /** The drawn parts of the world that most change the cost of a run. */
  readonly world: { readonly strategy: string; readonly arrivalSpreadMs: number; readonly arrivalCoincidence: number };
  readonly outcome: RunOutcome;
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  /** Highest live heap (after a full collection) seen during a second, identical run, minus the heap before it. */
  readonly peakLiveHeapBytes: number;
  readonly heapBytesPerEvent: number;
  /** Heap in use right after the timed run, before any collection, minus the heap before it (garbage included). */
  readonly heapGrowthBytes: number;
  readonly rssBeforeBytes: number;
  /** The process's peak resident set size so far (it never goes down), read after the run. */
  readonly peakRssBytes: number;
  /** Whether the memory run took the same number of steps as the timed run (it must: same seed). */
  readonly sameSteps: boolean;
}

/** A full garbage collection: `global.gc` when exposed, else one exposed at run time through V8 flags. */
export const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Wraps the configured strategy; every `everySteps` decisions it collects garbage and records the live heap. */
function heapSamplingStrategy(inner: Strategy, everySteps: number, record: (heapBytes: number) => void): Strategy {
  return {
    name: `${inner.name}+heap-sampling`,
    choose(enabled, context) {
      if (context.step % everySteps === 0) {
        collectGarbage();
        record(process.memoryUsage().heapUsed);
      }
      return inner.choose(enabled, context);
    },
  };
}

/**
 * Collects garbage after a one-client run of the source. A sandbox remembers the last module instance that ran
 * (to answer findings made between calls), and through its hooks that instance's whole world stays reachable
 * until another instance runs: measured right after a large run, the "empty" heap would still hold that run's
 * world, and a later run's peak would be counted from there. A collection right after a run also counted
 * megabytes of it as used, more on a busy machine (the sweeper's pages, presumably): collections after timer
 * turns are repeated until the heap stops shrinking.
 */
async function collectGarbageWithoutLastWorld(source: ProviderSource, seed: number): Promise<void> {
  await simulate({ config: drawConfig(seed, { clients: 1 }), source });
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 10; round++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();
    const used = process.memoryUsage().heapUsed;
    if (used > previous * 0.99) return;
    previous = used;
  }
}

/** Runs one seed twice with the same world: once timed, once with live-heap sampling every `sampleEverySteps`. */
export async function runLarge(source: ProviderSource, pins: ConfigPins, seed: number, sampleEverySteps = 5_000): Promise<LargeRunResult> {
  const config = drawConfig(seed, pins);
  await collectGarbageWithoutLastWorld(source, seed);
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBeforeBytes = process.memoryUsage().rss;
  const started = performance.now();
  const timed = await simulate({ config, source });
  const elapsedMs = performance.now() - started;
  const heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  await collectGarbageWithoutLastWorld(source, seed);
  const heapBaseline = process.memoryUsage().heapUsed;
  let peakHeap = heapBaseline;
  const strategy = heapSamplingStrategy(createStrategy(config, new RandomStreams(config.seed)), sampleEverySteps, (bytes) => {
    peakHeap = Math.max(peakHeap, bytes);
  });
  const sampled = await simulate({ config, source, strategy });
  const peakLiveHeapBytes = peakHeap - heapBaseline;
  return {
    pins,
    seed,
    world: { strategy: config.strategy, arrivalSpreadMs: config.arrivalSpreadMs, arrivalCoincidence: config.arrivalCoincidence },
    outcome: timed.outcome,
    events: timed.steps,
    elapsedMs,
    eventsPerSecond: (timed.steps / elapsedMs) * 1000,
    peakLiveHeapBytes,
    heapBytesPerEvent: timed.steps === 0 ? 0 : peakLiveHeapBytes / timed.steps,
    heapGrowthBytes,
    rssBeforeBytes,
    peakRssBytes,
    sameSteps: sampled.steps === timed.steps,
  };
}
