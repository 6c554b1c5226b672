import { basename, relative, resolve } from 'node:path';
import { documentBounds } from '../config/documents.ts';
import type { ConfigPins, RunConfig, SwarmSettings } from '../config/run-config.ts';
import { existsSync, statSync } from 'node:fs';
import { describeConfig } from './describe-config.ts';
import { exhaustivePins, exploreExhaustively } from '../explore/exhaustive.ts';
import { defaultWorkerCount, parallelSweep } from '../explore/parallel-sweep.ts';
import { shardSlice, type Shard } from '../explore/shards.ts';
import { drawWorld, explainFailure, sweep, type FirstFailure } from '../explore/sweep.ts';
import { noteFoundFailure, saveFoundFailure, type FoundFileParts } from './failure-underway.ts';
import { settingsFor, type ProviderSource } from '../providers/source.ts';
import { foundInSweep, runFailurePipeline, wasShrunk, type FoundFailure } from '../explore/failure-pipeline.ts';
import { nearestPassLines } from '../report/failure-text.ts';
import { writeReportFiles, type ReportFilePaths } from '../report/report-files.ts';
import { assumptionsLine } from '../report/assumptions.ts';
import { appendStepSummary, stepSummaryMarkdown } from '../report/step-summary.ts';
import { printCheckJson, printCheckText, printExhaustive, type ReportedFailure, type ReportFormat } from './check-report.ts';
import { exitCodeForFailure, exitCodes, inputErrorMessage } from './exit-codes.ts';
import { sweepProgress, type Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { ok } from '../errors.ts';
import { insecureOriginError } from '../config/origin.ts';
import { packageRoot } from '../package-root.ts';
import { pinsAsFlags, pinsFrom, readConfigPins, shellWord, type WorldOptions } from './options.ts';

/** Options of `rtc-sim check`. */
export interface CheckCommandOptions extends WorldOptions {
  readonly runs: number;
  readonly seed: number;
  readonly json?: boolean;
  readonly shrink: boolean;
  readonly failuresDir: string;
  readonly verbose?: boolean;
  /** Where to write the failure's trace JSON, Mermaid diagram and HTML report. */
  readonly out?: string;
  /** How the failing run is shown: the text timeline (default) or a Mermaid sequence diagram. */
  readonly format?: ReportFormat;
  /** Worker threads to spread the seeds over (default: the available cores). */
  readonly workers?: number;
  /** `--no-typecheck` was given: the replay lines carry it, so that pasting one skips the check as this run did. */
  readonly noTypecheck?: boolean;
  /** This job's slice of the seeds, for a CI matrix (`k/n`). */
  readonly shard?: Shard;
}

/** The largest world exhaustive search accepts: its space grows factorially with the clients. */
const exhaustiveClientsMax = 5;

// A folder the run writes into must be a folder (or not exist yet): checked before hours of runs, not after.
function outputFolderProblem(options: CheckCommandOptions, cwd: string): string | undefined {
  for (const [flag, folder] of [['--failures-dir', options.failuresDir], ['--out', options.out]] as const) {
    if (folder === undefined) continue;
    const path = resolve(cwd, folder);
    if (existsSync(path) && !statSync(path).isDirectory()) return `${flag} ${folder} names a file, not a folder`;
  }
  return undefined;
}

// Below this many runs a pool's start-up (a loader and a module build per worker) costs more than it saves.
const parallelRunsMin = 1000;

/** `rtc-sim check <module>`: sweeps seeded schedules (or explores them all); prints the verdict. */
export async function checkCommand(modulePath: string, options: CheckCommandOptions, io: Io): Promise<number> {
  const loaded = await loadSource(modulePath, io.cwd, options);
  if (!loaded.ok) {
    io.err(inputErrorMessage(loaded.error));
    return exitCodes.input;
  }
  const source = loaded.value;
  const filePins = options.config === undefined ? ok<ConfigPins>({}) : readConfigPins(options.config, io.cwd);
  if (!filePins.ok) {
    io.err(inputErrorMessage(filePins.error));
    return exitCodes.input;
  }
  const folders = outputFolderProblem(options, io.cwd);
  if (folders !== undefined) {
    io.err(`usage error: ${folders}`);
    return exitCodes.input;
  }
  if (source.backend === undefined && (options.backendInstances !== undefined || options.balancer !== undefined || filePins.value.backendInstances !== undefined || filePins.value.balancer !== undefined)) {
    io.err('usage error: backend instances and the balancer shape the processes of your backend: pass it with --backend <module>');
    return exitCodes.input;
  }
  const databaseProblem = databasePinProblem(source, options.database ?? filePins.value.database);
  if (databaseProblem !== undefined) {
    io.err(`usage error: ${databaseProblem}`);
    return exitCodes.input;
  }
  const insecure = insecureOriginError(options.origin ?? filePins.value.origin);
  if (insecure !== undefined) {
    io.err(inputErrorMessage(insecure));
    return exitCodes.input;
  }
  if (options.strategy === 'exhaustive') return exhaustiveCheck(modulePath, source, options, filePins.value, io);
  const flagPins = pinsFrom(options);
  const pins = { ...filePins.value, ...flagPins };
  const slice = options.shard === undefined ? { start: 0, runs: options.runs } : shardSlice(options.runs, options.shard);
  const progress = sweepProgress(io, { firstSeed: options.seed + slice.start, runsTotal: slice.runs, json: options.json === true });
  const sweepOptions = {
    source,
    runs: slice.runs,
    seed: options.seed + slice.start,
    pins,
    onProgress: (runsDone: number, seedsPassed?: number) => progress.update(runsDone, seedsPassed),
    ...(options.verbose === true ? { onRun: (config: RunConfig) => io.out(`world: ${describeConfig(config)}`) } : {}),
  };
  const workers = options.workers ?? defaultWorkerCount();
  const report =
    workers > 1 && slice.runs > parallelRunsMin && options.verbose !== true
      ? await parallelSweep({ ...sweepOptions, modulePath: resolve(io.cwd, modulePath), ...(options.tokenProvider === undefined ? {} : { tokenProviderPath: resolve(io.cwd, options.tokenProvider) }), ...(options.backend === undefined ? {} : { backendPath: resolve(io.cwd, options.backend) }), workers, onFailureFound: (found) => noteFailureFound(io, found, { source, pins, parts: foundFileParts(modulePath, options, io) }) })
      : await sweep(sweepOptions);
  progress.finish();
  if (report.failure !== undefined) noteFoundFailure(io.underway, report.failure, foundFileParts(modulePath, options, io));
  const failure = report.failure === undefined ? undefined : await reportFailure(modulePath, source, options, io, {
    ...foundInSweep(report.failure),
    replaySeed: replayCommandLine(io.cwd, `--seed ${report.failure.seed} ${shellWord(modulePath)}`, withTypecheckFlag(pinsAsFlags(flagPins, options.config, options), options)),
  });
  const shard = options.shard === undefined ? undefined : { ...options.shard, firstSeed: options.seed, runsTotal: options.runs, flags: pinsAsFlags(flagPins, options.config, options) };
  const assumptions = assumptionsLine(settingsFor(pins, source));
  // Interrupted while shrinking: the interruption reports the failure as found; nothing more is printed here.
  if (io.underway?.interrupted === true) return new Promise<never>(() => undefined);
  if (io.underway !== undefined) io.underway.failure = undefined;
  if (options.json === true) printCheckJson(modulePath, report, failure, io, { ...(shard === undefined ? {} : { shard }), assumptions });
  else printCheckText(modulePath, report, failure, io, shard === undefined ? undefined : `shard ${shard.index}/${shard.count}`, assumptions);
  summarise(io, modulePath, { verdict: report.verdict, runs: report.runs }, failure);
  return failure === undefined ? exitCodes.pass : exitCodeForFailure(failure.property);
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function foundFileParts(modulePath: string, options: CheckCommandOptions, io: Io): FoundFileParts {
  return { module: modulePath, tokenProvider: options.tokenProvider, backend: options.backend, failuresDir: resolve(io.cwd, options.failuresDir) };
}

// A pool thread found a failure while lower seeds still run: an interruption now saves it (replayed here) and names it.
function noteFailureFound(io: Io, found: FirstFailure, context: { source: ProviderSource; pins: SwarmSettings; parts: FoundFileParts }): void {
  if (io.underway === undefined) return;
  const property = found.outcome.kind === 'violation' ? found.outcome.violation.property : found.outcome.kind;
  io.underway.failure = { seed: found.seed, property, file: undefined, save: async () => saveFoundFailure(await explainFailure(context.source, found, context.pins), context.parts) };
}

async function exhaustiveCheck(modulePath: string, source: ProviderSource, options: CheckCommandOptions, filePins: ConfigPins, io: Io): Promise<number> {
  const clients = typeof options.clients === 'number' ? options.clients : (filePins.clients ?? 2);
  if (clients > exhaustiveClientsMax) {
    io.err(`usage error: --strategy exhaustive enumerates small worlds: --clients at most ${exhaustiveClientsMax}, got ${clients}`);
    return exitCodes.input;
  }
  // The pinned file may shape the world (fault plans, clocks, auth), but never the strategy or arrivals.
  // The backend's hosts as flagged (instances, balancer); unflagged, a sticky balancer (see exhaustivePins).
  const { backendInstances, backendInstancesMin, backendInstancesMax, balancer, database } = pinsFrom(options, filePins);
  const hostPins = { ...definedOnly({ backendInstances, backendInstancesMin, backendInstancesMax, balancer, database }) };
  const pins = exhaustivePins(clients, Math.min(documentBounds(options.documents ?? filePins.documents ?? 1).min, clients), source.backend !== undefined && balancer === undefined);
  if (balancer !== undefined && balancer !== 'sticky') {
    io.err(`warning: with --balancer ${balancer}, which instance serves a request depends on the order of every request before it, and exhaustive search does not count that order as a difference: it may pass a schedule space it did not cover. The default for exhaustive search is a sticky balancer.`);
  }
  const config = drawWorld(options.seed, { ...filePins, ...hostPins, ...pins }, source);
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
  summarise(io, modulePath, { verdict: failure === undefined ? 'pass' : 'fail', runs: report.schedules }, failure);
  return failure === undefined ? exitCodes.pass : exitCodeForFailure(failure.property);
}

async function reportFailure(
  modulePath: string,
  source: ProviderSource,
  options: CheckCommandOptions,
  io: Io,
  found: FoundFailure & { replaySeed: string | undefined },
): Promise<ReportedFailure> {
  const report = await runFailurePipeline(found, {
    source,
    module: modulePath,
    ...(options.tokenProvider === undefined ? {} : { tokenProvider: options.tokenProvider }),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    shrink: options.shrink,
    failuresDir: resolve(io.cwd, options.failuresDir),
  });
  const filePath = report.filePath ?? '';
  const replayFile = replayCommandLine(io.cwd, `--file ${shellWord(relative(io.cwd, filePath).startsWith('..') ? filePath : relative(io.cwd, filePath))}`, withTypecheckFlag('', options));
  const summary = [
    `found by ${report.strategy} at seed ${report.seed}${wasShrunk(report.counterexample) ? ', then shrunk to the run shown here' : ', shown as found'}`,
    ...(found.replaySeed === undefined ? [] : [`replay the failing seed: ${found.replaySeed}`]),
    `replay the shrunk run: ${replayFile}`,
  ];
  const reportFiles = options.out === undefined
    ? undefined
    : writeReportFiles({ directory: resolve(io.cwd, options.out), module: modulePath, backend: options.backend, seed: report.seed, stem: report.filePath === undefined ? undefined : basename(report.filePath, '.json'), result: report.counterexample.result, defaults: report.defaults, summary, nearestPass: nearestPassLines(report) });
  return { ...report, replaySeed: found.replaySeed, replayFile, filePath, reportFiles, format: options.format ?? 'text' };
}

/** Appends the verdict (and the failure's diagram) to the CI job summary, when there is one. */
function summarise(io: Io, modulePath: string, verdict: { verdict: 'pass' | 'fail'; runs: number }, failure: ReportedFailure | undefined): void {
  if (io.stepSummaryPath === undefined) return;
  const markdown = stepSummaryMarkdown({
    title: `rtc-sim check ${modulePath}`,
    rows: [{ module: modulePath, ...verdict, property: failure?.property ?? '', failingSeed: failure?.seed }],
    failures: failure === undefined ? [] : [{
      module: modulePath,
      property: failure.property,
      message: failure.counterexample.file.message,
      replayLines: [...(failure.replaySeed === undefined ? [] : [failure.replaySeed]), failure.replayFile],
      run: failure.counterexample.result,
      runName: wasShrunk(failure.counterexample) ? `the shrunk run (seed ${failure.seed} failed; shrunk)` : `the failing run (seed ${failure.seed})`,
    }],
    open: true,
  });
  appendStepSummary(io.stepSummaryPath, markdown);
}

/** Replay flags with `--no-typecheck` added when the check was run with it. */
function withTypecheckFlag(flags: string, options: CheckCommandOptions): string {
  return options.noTypecheck === true ? `${flags} --no-typecheck`.trim() : flags;
}

/** The one command line that replays a run, relative to the working directory. */
export function replayCommandLine(cwd: string, target: string, flags: string): string {
  const cli = relative(cwd, `${packageRoot}bin/rtc-sim.js`);
  return `node ${shellWord(cli)} replay ${target}${flags === '' ? '' : ` ${flags}`}`;
}

// A database pin needs a backend, and PGlite cannot answer a backend that loads pg (node-postgres).
function databasePinProblem(source: ProviderSource, database: 'postgres' | 'pglite' | undefined): string | undefined {
  if (database === undefined) return undefined;
  if (source.backend === undefined) return `database ${database} (--database, or the config file) chooses your backend's database: pass the backend with --backend <module>`;
  if (database === 'pglite' && source.backend.loadsPg === true) return `${source.backend.label} loads pg (node-postgres), which only a real PostgreSQL server answers: --database pglite cannot run it`;
  return undefined;
}
