import type { RunConfig } from '../config/run-config.ts';
import type { ProviderSource } from '../providers/source.ts';
import type { SimulationResult } from '../simulate.ts';
import { toDecisionFile, type DecisionFile } from './decision-file.ts';
import { replayCounterexample, shrink, sizeOf, type CounterexampleSize } from './shrink.ts';
import type { FailureKind } from './sweep.ts';

/** A failing run made ready for people: shrunk (unless asked not to) and saved by meaning. */
export interface PreparedCounterexample {
  readonly file: DecisionFile;
  /** The shrunk run, recorded. */
  readonly result: SimulationResult;
  readonly before: CounterexampleSize;
  readonly after: CounterexampleSize;
  readonly shrinkAttempts: number;
}

/** What a failure needs to become a counterexample. */
export interface FailureParts {
  readonly module: string;
  readonly tokenProvider?: string;
  readonly backend?: string;
  readonly property: FailureKind;
  readonly message: string;
  readonly seed: number;
  readonly config: RunConfig;
  readonly decisions: readonly string[];
}

/** Re-runs a failure by its decisions, shrinks it, and builds its decision file. */
export async function prepareCounterexample(source: ProviderSource, failure: FailureParts, shouldShrink: boolean): Promise<PreparedCounterexample> {
  const start = await replayCounterexample(source, failure.config, failure.decisions);
  const report = shouldShrink ? await shrink(source, start, failure.property) : { shrunk: start, before: sizeOf(start), after: sizeOf(start), attempts: 0 };
  const { shrunk } = report;
  const outcome = shrunk.result.outcome;
  return {
    file: toDecisionFile({
      module: failure.module,
      ...(failure.tokenProvider === undefined ? {} : { tokenProvider: failure.tokenProvider }),
      ...(failure.backend === undefined ? {} : { backend: failure.backend }),
      property: failure.property,
      message: outcome.kind === 'violation' ? outcome.violation.message : failure.message,
      originalSeed: failure.seed,
      config: shrunk.config,
      result: shrunk.result,
      defaults: shrunk.decisions,
    }),
    result: shrunk.result,
    before: report.before,
    after: report.after,
    shrinkAttempts: report.attempts,
  };
}
