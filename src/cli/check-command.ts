import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '../config/run-config.ts';
import { describeConfig } from './describe-config.ts';
import { drawConfig } from '../config/swarm.ts';
import { prepareCounterexample, type PreparedCounterexample } from '../explore/counterexample.ts';
import { writeDecisionFile } from '../explore/decision-file.ts';
import { exhaustivePins, exploreExhaustively } from '../explore/exhaustive.ts';
import { sweep, type FailureKind } from '../explore/sweep.ts';
import type { ProviderSource } from '../providers/source.ts';
import { printCheckJson, printCheckText, printExhaustive } from './check-report.ts';
import { exitCodeForFailure, exitCodes, inputErrorMessage } from './exit-codes.ts';
import type { Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { ok } from '../errors.ts';
import { pinsAsFlags, pinsFrom, readConfigPins, shellWord, type WorldOptions } from './options.ts';

/** Options of `rtc-sim check`. */
export interface CheckCommandOptions extends WorldOptions {
  readonly runs: number;
  readonly seed: number;
  readonly json?: boolean;
  readonly shrink: boolean;
  readonly failuresDir: string;
  readonly verbose?: boolean;
}

/** A failure as the reports show it: what broke, where to replay it, the saved counterexample. */
export interface ReportedFailure {
  readonly property: FailureKind;
  readonly message: string;
  readonly seed: number;
  readonly strategy: string;
  readonly replaySeed: string | undefined;
  readonly replayFile: string;
  readonly filePath: string;
  readonly counterexample: PreparedCounterexample;
}

/** `rtc-sim check <module>`: sweeps seeded schedules (or explores them all); prints the verdict. */
export async function checkCommand(modulePath: string, options: CheckCommandOptions, io: Io): Promise<number> {
  const loaded = await loadSource(modulePath, io.cwd);
  if (!loaded.ok) {
    io.err(inputErrorMessage(loaded.error));
    return exitCodes.input;
  }
  const source = loaded.value;
  if (options.strategy === 'exhaustive') return exhaustiveCheck(modulePath, source, options, io);
  const filePins = options.config === undefined ? ok({}) : readConfigPins(options.config, io.cwd);
  if (!filePins.ok) {
    io.err(inputErrorMessage(filePins.error));
    return exitCodes.input;
  }
  const flagPins = pinsFrom(options);
  const pins = { ...filePins.value, ...flagPins };
  const report = await sweep({
    source,
    runs: options.runs,
    seed: options.seed,
    pins,
    ...(options.verbose === true ? { onRun: (config: RunConfig) => io.out(`world: ${describeConfig(config)}`) } : {}),
  });
  const failure = report.failure === undefined ? undefined : await reportFailure(modulePath, source, options, io, {
    ...report.failure,
    strategy: report.failure.config.strategy === 'pct' ? `pct (depth ${report.failure.config.pctDepth})` : report.failure.config.strategy,
    decisions: report.failure.replayed.decisions ?? [],
    replaySeed: replayCommandLine(io.cwd, `--seed ${report.failure.seed} ${shellWord(modulePath)}`, pinsAsFlags(flagPins, options.config)),
  });
  if (options.json === true) printCheckJson(modulePath, report, failure, io);
  else printCheckText(modulePath, report, failure, io);
  return failure === undefined ? exitCodes.pass : exitCodeForFailure(failure.property);
}

async function exhaustiveCheck(modulePath: string, source: ProviderSource, options: CheckCommandOptions, io: Io): Promise<number> {
  const clients = typeof options.clients === 'number' ? options.clients : 2;
  const config = drawConfig(options.seed, exhaustivePins(clients, Math.min(options.documents ?? 1, clients)));
  const started = performance.now();
  const report = await exploreExhaustively({ source, config, schedulesMax: options.runs });
  const elapsedMs = performance.now() - started;
  const found = report.failure;
  const failure = found === undefined ? undefined : await reportFailure(modulePath, source, options, io, {
    property: found.result.outcome.kind === 'violation' ? found.result.outcome.violation.property : 'limit',
    message: found.result.outcome.kind === 'violation' ? found.result.outcome.violation.message : 'bound reached',
    seed: config.seed,
    config,
    strategy: 'exhaustive',
    decisions: found.decisions,
    replaySeed: undefined,
  });
  printExhaustive(modulePath, config, report, elapsedMs, failure, options.json === true, io);
  return failure === undefined ? exitCodes.pass : exitCodeForFailure(failure.property);
}

async function reportFailure(
  modulePath: string,
  source: ProviderSource,
  options: CheckCommandOptions,
  io: Io,
  failure: { property: FailureKind; message: string; seed: number; config: RunConfig; strategy: string; decisions: readonly string[]; replaySeed: string | undefined },
): Promise<ReportedFailure> {
  const counterexample = await prepareCounterexample(source, { module: modulePath, ...failure }, options.shrink);
  // Written before anything is printed, so that the run is on disk whatever happens to the process next.
  const filePath = writeDecisionFile(resolve(io.cwd, options.failuresDir), counterexample.file);
  return {
    property: failure.property,
    message: failure.message,
    seed: failure.seed,
    strategy: failure.strategy,
    replaySeed: failure.replaySeed,
    replayFile: replayCommandLine(io.cwd, `--file ${shellWord(relative(io.cwd, filePath).startsWith('..') ? filePath : relative(io.cwd, filePath))}`, ''),
    filePath,
    counterexample,
  };
}

/** The one command line that replays a run, relative to the working directory. */
export function replayCommandLine(cwd: string, target: string, flags: string): string {
  const cli = relative(cwd, fileURLToPath(new URL('../cli.ts', import.meta.url))) || 'src/cli.ts';
  return `npx tsx ${shellWord(cli)} replay ${target}${flags === '' ? '' : ` ${flags}`}`;
}
