import { replay } from '../explore/sweep.ts';
import { renderTimeline } from '../report/timeline.ts';
import type { SimulationResult } from '../simulate.ts';
import { describeConfig } from './describe-config.ts';
import { exitCodeForFailure, exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { pinsFrom, type WorldOptions } from './options.ts';

/** Options of `rtc-sim replay`. */
export interface ReplayCommandOptions extends WorldOptions {
  readonly seed: number;
  readonly json?: boolean;
}

/** `rtc-sim replay --seed S <module>`: runs that one seed again and prints its whole trace. */
export async function replayCommand(modulePath: string, options: ReplayCommandOptions, io: Io): Promise<number> {
  const source = await loadSource(modulePath, io.cwd);
  if (!source.ok) {
    io.err(inputErrorMessage(source.error));
    return exitCodes.input;
  }
  const result = await replay(source.value, options.seed, pinsFrom(options));
  if (options.json === true) {
    io.out(JSON.stringify({ module: modulePath, verdict: result.outcome.kind === 'pass' ? 'pass' : 'fail', ...resultJson(result) }));
  } else {
    io.out(`world: ${describeConfig(result.config)}`);
    io.out(renderTimeline(result.trace ?? [], result.outcome, painterFor(io)));
  }
  return exitCodeForOutcome(result);
}

/** The exit code of one run. */
export function exitCodeForOutcome(result: SimulationResult): number {
  const { outcome } = result;
  if (outcome.kind === 'pass') return exitCodes.pass;
  return exitCodeForFailure(outcome.kind === 'limit' ? 'limit' : outcome.violation.property);
}

/** A run as JSON: its world, how it ended, its decisions and trace. */
export function resultJson(result: SimulationResult): object {
  return {
    seed: result.config.seed,
    config: result.config,
    outcome: result.outcome,
    steps: result.steps,
    endTimeMs: result.endTimeMs,
    decisions: result.decisions,
    trace: result.trace,
  };
}
