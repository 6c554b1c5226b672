import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readDecisionFile, decisionFileDirectory } from '../explore/decision-file.ts';
import { replayStrategy, type ReplayDrift } from '../explore/replay-strategy.ts';
import { replay } from '../explore/sweep.ts';
import { traceDivergence } from '../explore/trace-divergence.ts';
import type { ProviderSource } from '../providers/source.ts';
import { runFailurePipeline } from '../explore/failure-pipeline.ts';
import { nearestPassLines } from '../report/failure-text.ts';
import { renderTimeline } from '../report/timeline.ts';
import { simulate, type SimulationResult } from '../simulate.ts';
import { describeConfig } from './describe-config.ts';
import { exitCodeForFailure, exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { ok } from '../errors.ts';
import { pinsFrom, readConfigPins, type CompanionModules, type WorldOptions } from './options.ts';

/** Options of `rtc-sim replay`. */
export interface ReplayCommandOptions extends WorldOptions {
  readonly seed?: number;
  readonly file?: string;
  readonly json?: boolean;
}

/** `rtc-sim replay --seed S <module>` or `--file f.json`: runs that one run again and prints its trace. */
export async function replayCommand(modulePath: string | undefined, options: ReplayCommandOptions, io: Io): Promise<number> {
  if ((options.seed === undefined) === (options.file === undefined)) {
    io.err('usage error: replay needs exactly one of --seed <s> (with a module) or --file <decision file>');
    return exitCodes.input;
  }
  const drift: ReplayDrift = { missed: 0, firstMissedStep: undefined };
  let run: { module: string; modules: CompanionModules; execute: (source: Parameters<typeof replay>[0], drift?: ReplayDrift) => Promise<SimulationResult> };
  if (options.file !== undefined) {
    const file = readDecisionFile(resolve(io.cwd, options.file));
    if (!file.ok) {
      io.err(inputErrorMessage(file.error));
      return exitCodes.input;
    }
    const { config, decisions, module } = file.value;
    // A path in the file is relative to where check ran; if nothing is there, it may sit next to the file.
    const directory = decisionFileDirectory(resolve(io.cwd, options.file));
    const located = (path: string): string => (existsSync(resolve(io.cwd, path)) || !existsSync(join(directory, path)) ? path : join(directory, path));
    const chosenModule = modulePath ?? located(module);
    const backend = options.backend ?? (file.value.backend === undefined ? undefined : located(file.value.backend));
    const keys = decisions.map((decision) => decision.event);
    run = { module: chosenModule, modules: { tokenProvider: options.tokenProvider ?? file.value.tokenProvider, backend, env: options.env, envFile: options.envFile }, execute: (source, runDrift = drift) => simulate({ config, source, record: true, strategy: replayStrategy(keys, runDrift) }) };
  } else {
    if (modulePath === undefined) {
      io.err("usage error: replay --seed needs the provider module: replay --seed <s> <module>");
      return exitCodes.input;
    }
    const seed = options.seed as number;
    const filePins = options.config === undefined ? ok({}) : readConfigPins(options.config, io.cwd);
    if (!filePins.ok) {
      io.err(inputErrorMessage(filePins.error));
      return exitCodes.input;
    }
    const pins = { ...filePins.value, ...pinsFrom(options) };
    run = { module: modulePath, modules: options, execute: (source) => replay(source, seed, pins) };
  }
  const source = await loadSource(run.module, io.cwd, run.modules);
  if (!source.ok) {
    io.err(inputErrorMessage(source.error));
    return exitCodes.input;
  }
  const result = await run.execute(source.value);
  // Run again and compare, as check's self-check does: a trace that the seed does not decide explains nothing.
  const nondeterminism = traceDivergence(source.value, result, await run.execute(source.value, { missed: 0, firstMissedStep: undefined }));
  // A nearest pass is worth searching for only when the seed decides the run.
  const nearestPass = nondeterminism === undefined ? await nearestPassOf(result, source.value, run.module) : undefined;
  if (options.json === true) {
    const verdict = result.outcome.kind === 'pass' && nondeterminism === undefined ? 'pass' : 'fail';
    io.out(
      JSON.stringify({
        module: run.module,
        verdict,
        drift,
        ...(nondeterminism === undefined ? {} : { nondeterminism }),
        ...resultJson(result),
        ...(nearestPass === undefined ? {} : { nearestPass }),
      }),
    );
  } else {
    io.out(`world: ${describeConfig(result.config)}`);
    const timeline = renderTimeline(result.trace ?? [], result.outcome, painterFor(io)).split('\n');
    if (nondeterminism !== undefined) timeline.splice(-1, 1, painterFor(io).red(`✗ nondeterministic: ${nondeterminism}`));
    io.out(timeline.join('\n'));
    if (nearestPass !== undefined) io.out(['', ...nearestPass].join('\n'));
    if (drift.missed > 0) {
      io.err(`note: ${drift.missed} recorded decision(s) named events that did not occur (first at step ${drift.firstMissedStep}: ${drift.firstMissedEvent ?? 'unknown'}, which no longer exists); the default choice was taken there — the code has changed since the file was written`);
    }
  }
  return nondeterminism === undefined ? exitCodeForOutcome(result) : exitCodes.nondeterminism;
}

/** A failing run's nearest passing run in words, from the failure pipeline (not shrunk, not saved). */
async function nearestPassOf(result: SimulationResult, source: ProviderSource, module: string): Promise<readonly string[] | undefined> {
  const { outcome } = result;
  if (outcome.kind !== 'violation') return undefined;
  const found = { property: outcome.violation.property, message: outcome.violation.message, seed: result.config.seed, config: result.config, decisions: result.decisions ?? [] };
  return nearestPassLines(await runFailurePipeline(found, { source, module, shrink: false }));
}

/** The exit code of one run. */
export function exitCodeForOutcome(result: SimulationResult): number {
  const { outcome } = result;
  if (outcome.kind === 'pass' || outcome.kind === 'abandoned') return exitCodes.pass;
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
