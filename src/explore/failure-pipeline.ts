import { resolve } from 'node:path';
import type { RunConfig } from '../config/run-config.ts';
import { prepareCounterexample, type PreparedCounterexample } from './counterexample.ts';
import { writeDecisionFile } from './decision-file.ts';
import type { FailureKind, SweepFailure } from './sweep.ts';
import type { ProviderSource } from '../providers/source.ts';
import { findNearestPass, type NearestPass } from './nearest-pass.ts';

/** A failing run as a sweep, an exhaustive search or a replay found it, before anything is made of it. */
export interface FoundFailure {
  readonly property: FailureKind;
  readonly message: string;
  /** The seed of the failing run. */
  readonly seed: number;
  readonly config: RunConfig;
  /** The event chosen at every step of the failing run. */
  readonly decisions: readonly string[];
  /** Who found it, in words; absent: the strategy the configuration names (`strategyLabel`). */
  readonly strategy?: string;
}

/** What the pipeline needs besides the failure: where providers come from, and what to do. */
export interface FailurePipelineOptions {
  readonly source: ProviderSource;
  /** The provider as the decision file names it: a module path, or an in-process factory's name. */
  readonly module: string;
  readonly tokenProvider?: string;
  /** The backend module of a run with a backend. */
  readonly backend?: string;
  readonly shrink: boolean;
  /** The folder the decision file is saved in; absent: the run is not saved (a replay). */
  readonly failuresDir?: string;
}

/** A failure made ready for every report: shrunk, saved, its nearest passing run found. */
export interface FailureReport {
  readonly property: FailureKind;
  /** The failing run's message, as found (the shrunk run's own is in `counterexample.file.message`). */
  readonly message: string;
  readonly seed: number;
  readonly strategy: string;
  readonly counterexample: PreparedCounterexample;
  /** Where the decision file was written, when it was. */
  readonly filePath: string | undefined;
  /** The shown run's decisions, `null` where it took the default choice. */
  readonly defaults: readonly (string | null)[];
  readonly nearest: NearestPass;
}

/**
 * The one failure pipeline of `check`, `replay`, `examples` and the vitest helper: shrink the run (unless
 * asked not to), save its decision file (written before anything is printed, so the run is on disk whatever
 * happens to the process next), turn its decisions into defaults, search the nearest passing run, and name
 * the strategy that found it.
 */
export async function runFailurePipeline(found: FoundFailure, options: FailurePipelineOptions): Promise<FailureReport> {
  const { source } = options;
  const parts = { module: options.module, ...(options.tokenProvider === undefined ? {} : { tokenProvider: options.tokenProvider }), ...(options.backend === undefined ? {} : { backend: options.backend }), ...found };
  const counterexample = await prepareCounterexample(source, parts, options.shrink);
  const filePath = options.failuresDir === undefined ? undefined : writeDecisionFile(resolve(options.failuresDir), counterexample.file);
  const defaults = counterexample.file.decisions.map((decision) => (decision.chosen === 'default' ? null : decision.event));
  const nearest = await findNearestPass({ source, config: counterexample.file.config, decisions: defaults });
  return {
    property: found.property,
    message: found.message,
    seed: found.seed,
    strategy: found.strategy ?? strategyLabel(found.config),
    counterexample,
    filePath,
    defaults,
    nearest,
  };
}

/** A sweep's failure as the pipeline takes it. */
export function foundInSweep(failure: SweepFailure): FoundFailure {
  const { property, message, seed, config } = failure;
  return { property, message, seed, config, decisions: failure.replayed.decisions ?? [] };
}

/** The strategy of a run in words: `random`, `pct (depth 3)`, `timed`. */
export function strategyLabel(config: RunConfig): string {
  return config.strategy === 'pct' ? `pct (depth ${config.pctDepth})` : config.strategy;
}

/** Whether shrinking changed the run, so that the run shown is not the failing seed as found. */
export function wasShrunk(counterexample: PreparedCounterexample): boolean {
  return JSON.stringify(counterexample.before) !== JSON.stringify(counterexample.after);
}
