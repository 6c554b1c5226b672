import v8 from 'node:v8';
import type { PropertyName } from '../check/violation.ts';
import type { RunConfig, SwarmSettings } from '../config/run-config.ts';
import { drawConfig } from '../config/swarm.ts';
import { settingsFor, type ProviderSource } from '../providers/source.ts';
import { parseOptions, sweepOptionsSchema } from '../options-schema.ts';
import { simulate, type RunOutcome, type SimulationResult } from '../simulate.ts';
import { CoverageTally, type StrategyCoverage } from './coverage.ts';
import { traceDivergence } from './trace-divergence.ts';

/** What a sweep runs: `runs` seeds starting at `seed`, each with its own swarm-drawn world. */
export interface SweepOptions {
  readonly source: ProviderSource;
  readonly runs: number;
  readonly seed: number;
  readonly pins: SwarmSettings;
  /** Called now and then with the number of runs done. */
  readonly onProgress?: (runsDone: number) => void;
  /** Called with each run's resolved world before it runs (`--verbose`). */
  readonly onRun?: (config: RunConfig) => void;
}

/** What failed: a property, a bound, or the tool's own determinism. */
export type FailureKind = PropertyName | 'limit' | 'nondeterminism';

/** The first failing run of a sweep, replayed with its full trace. */
export interface SweepFailure {
  readonly property: FailureKind;
  readonly message: string;
  /** The seed of the failing run (not the sweep's first seed): `replay --seed` takes it. */
  readonly seed: number;
  readonly config: RunConfig;
  readonly replayed: SimulationResult;
}

/** The verdict of a sweep. */
export interface SweepReport {
  readonly verdict: 'pass' | 'fail';
  /** Runs executed, the failing one included. */
  readonly runs: number;
  readonly seed: number;
  readonly failure: SweepFailure | undefined;
  /** What each strategy covered: runs, distinct schedules, PCT's n and k. */
  readonly coverage: readonly StrategyCoverage[];
}

const defaultYieldEveryRuns = 64;
/** Runs are counted to `onProgress` this many at a time. */
const progressEveryRuns = 64;

/** The first failing seed of a range, as found without recording. */
export interface FirstFailure {
  readonly seed: number;
  readonly outcome: RunOutcome;
  /** Set when the determinism self-check saw the seed's two recorded runs differ. */
  readonly divergence?: string;
}

/** Every this many runs, a sweep keeps the run's full trace, runs the seed once more and compares the two. */
export const selfCheckEveryRuns = 97;

/** The largest world the self-check re-runs. */
export const selfCheckClientsMax = 1_000;

/**
 * Runs seeds `seed … seed+runs-1` without recording, stops at the first failure, and replays that seed with
 * the full trace. The replay must end the same way: if it does not, the failure is reported as
 * nondeterminism rather than as a property, since the trace would not explain it. Its options are checked
 * first, by the schema a `--config` file is checked with: a wrong field throws an `OptionsError` naming it.
 */
export async function sweep(options: SweepOptions): Promise<SweepReport> {
  parseOptions(sweepOptionsSchema, options, 'sweep options');
  const tally = new CoverageTally();
  const found = await scanRange(options, tally);
  if (found === undefined) return { verdict: 'pass', runs: options.runs, seed: options.seed, failure: undefined, coverage: tally.summary() };
  const failure = await explainFailure(options.source, found, options.pins);
  return { verdict: 'fail', runs: found.seed - options.seed + 1, seed: options.seed, failure, coverage: tally.summary() };
}

/**
 * Runs a range of seeds without recording and returns the first failing one; the tally sees every run. It
 * counts its runs to `onProgress` every 64, and gives the event loop a turn every `yieldEveryRuns` runs
 * (for progress, and for a pool's messages when this thread also sweeps).
 */
export async function scanRange(options: SweepOptions, tally: CoverageTally, yieldEveryRuns = defaultYieldEveryRuns): Promise<FirstFailure | undefined> {
  withoutPretenuring();
  for (let index = 0; index < options.runs; index++) {
    const seed = options.seed + index;
    const config = drawWorld(seed, options.pins, options.source);
    options.onRun?.(config);
    // Worlds of thousands of clients skip it: two full traces of a million records cost more than the sweep.
    const selfChecked = index % selfCheckEveryRuns === 0 && config.clients <= selfCheckClientsMax;
    const observer = tally.observe(config);
    // A self-checked seed's swept run keeps its trace and is the first of the two compared: a run saved.
    const result = await simulate({ config, source: options.source, wrapStrategy: observer.wrap, record: selfChecked });
    observer.close();
    if (result.outcome.kind !== 'pass') return { seed, outcome: result.outcome };
    if (selfChecked) {
      const divergence = traceDivergence(options.source, result, await simulate({ config, source: options.source, record: true }));
      if (divergence !== undefined) return { seed, outcome: result.outcome, divergence };
    }
    if ((index + 1) % progressEveryRuns === 0) options.onProgress?.(index + 1);
    if ((index + 1) % yieldEveryRuns === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return undefined;
}

/**
 * Turns off V8's allocation-site pretenuring in this process, once: a sweep runs thousands of short worlds, and
 * with a provider that imports a routed built-in (node:crypto) V8 came to allocate some of a run's objects
 * straight into the old generation, where they kept the rest of their run alive past every young collection
 * (~112 KB a default run; the HMAC provider ran 1.5–1.7× slower for it). It changes where objects are allocated,
 * never what a run does.
 */
function withoutPretenuring(): void {
  if (pretenuringOff) return;
  pretenuringOff = true;
  try {
    v8.setFlagsFromString('--no-allocation-site-pretenuring');
  } catch {
    // A runtime that refuses the flag sweeps as before, only slower.
  }
}
let pretenuringOff = false;

/** Replays a failing seed with its full trace and describes the failure (or the nondeterminism). */
export async function explainFailure(source: ProviderSource, found: FirstFailure, pins: SwarmSettings): Promise<SweepFailure> {
  const config = drawWorld(found.seed, pins, source);
  const replayed = await simulate({ config, source, record: true });
  if (found.divergence !== undefined) return { property: 'nondeterminism', message: found.divergence, seed: found.seed, config, replayed };
  return describeFailure(found.seed, config, found.outcome, replayed);
}

/**
 * The determinism self-check (FoundationDB and madsim check their own on every run): the same seed, run
 * twice with full traces, must give byte-identical traces. Returns where they part, if they do.
 */
export async function selfCheck(source: ProviderSource, config: RunConfig): Promise<string | undefined> {
  const first = await simulate({ config, source, record: true });
  const second = await simulate({ config, source, record: true });
  return traceDivergence(source, first, second);
}

/** The world of one seed for this source (see `settingsFor`). */
export function drawWorld(seed: number, pins: SwarmSettings, source: ProviderSource): RunConfig {
  return drawConfig(seed, settingsFor(pins, source));
}

/** Runs one seed again with its full trace and decision log. */
export function replay(source: ProviderSource, seed: number, pins: SwarmSettings): Promise<SimulationResult> {
  return simulate({ config: drawWorld(seed, pins, source), source, record: true });
}

function describeFailure(seed: number, config: RunConfig, first: RunOutcome, replayed: SimulationResult): SweepFailure {
  if (outcomeSignature(first) !== outcomeSignature(replayed.outcome)) {
    return {
      property: 'nondeterminism',
      message: `seed ${seed} ended as ${outcomeSignature(first)} but its replay ended as ${outcomeSignature(replayed.outcome)}: something outside the seed (real time, real randomness, module state shared between runs) steers the run`,
      seed,
      config,
      replayed,
    };
  }
  if (first.kind === 'violation') {
    return { property: first.violation.property, message: first.violation.message, seed, config, replayed };
  }
  return { property: 'limit', message: first.kind === 'limit' ? first.message : 'unexpected pass', seed, config, replayed };
}

/** A comparable summary of how a run ended. */
export function outcomeSignature(outcome: RunOutcome): string {
  if (outcome.kind === 'violation') return `${outcome.violation.property}@${outcome.violation.step}: ${outcome.violation.message}`;
  if (outcome.kind === 'limit') return `limit:${outcome.limit}`;
  return outcome.kind;
}
