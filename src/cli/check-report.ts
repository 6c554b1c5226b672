import type { RunConfig } from '../config/run-config.ts';
import { pctBound, type StrategyCoverage } from '../explore/coverage.ts';
import type { ExhaustiveReport } from '../explore/exhaustive.ts';
import type { SweepReport } from '../explore/sweep.ts';
import { nearestPassLines, shownRunLines } from '../report/failure-text.ts';
import { renderMermaid } from '../report/mermaid.ts';
import { renderTimeline } from '../report/timeline.ts';
import { describeConfig } from './describe-config.ts';
import { painterFor, type Io } from './io.ts';
import type { FailureReport } from '../explore/failure-pipeline.ts';
import type { ReportFilePaths } from '../report/report-files.ts';

/** How `check` shows the failing run. */
export type ReportFormat = 'text' | 'mermaid';

/** A failure as the reports show it: the pipeline's report, where to replay it, the saved counterexample. */
export interface ReportedFailure extends FailureReport {
  readonly replaySeed: string | undefined;
  readonly replayFile: string;
  readonly filePath: string;
  /** The reports written with `--out`. */
  readonly reportFiles: ReportFilePaths | undefined;
  readonly format: ReportFormat;
}

/**
 * The text report of a sweep: pass with its coverage and what it assumed (`assumed: …`, last), or the failure
 * with its shrunk run and replay lines.
 */
export function printCheckText(modulePath: string, report: SweepReport, failure: ReportedFailure | undefined, io: Io, slice?: string, assumptions?: string): void {
  const paint = painterFor(io);
  const seeds = `${slice === undefined ? '' : `${slice}: `}seeds ${report.seed}…${report.seed + report.runs - 1}`;
  if (failure === undefined) {
    io.out(paint.green(`✓ PASS ${modulePath}: ${report.runs} runs (${seeds}), every property held`));
    for (const line of confidenceLines(report.coverage)) io.out(`  ${line}`);
    if (assumptions !== undefined) io.out(`  assumed: ${assumptions}`);
    return;
  }
  io.out(paint.red(paint.bold(`✗ FAIL ${modulePath}: ${failure.property} after ${report.runs} runs (${seeds}), found by ${failure.strategy}`)));
  printFailure(failure, io);
}

/** The failure's shrunk run, how much it shrank, and both ways to replay it. */
function printFailure(failure: ReportedFailure, io: Io): void {
  const paint = painterFor(io);
  const { counterexample } = failure;
  for (const line of shownRunLines(failure)) io.out(line);
  io.out(`world: ${describeConfig(counterexample.file.config)}`);
  io.out('');
  const { trace = [], outcome } = counterexample.result;
  io.out(failure.format === 'mermaid' ? renderMermaid(trace, outcome) : renderTimeline(trace, outcome, paint));
  io.out('');
  for (const line of nearestPassLines(failure)) io.out(line);
  io.out('');
  if (failure.replaySeed !== undefined) io.out(`replay: ${failure.replaySeed}`);
  io.out(`replay the shrunk run: ${failure.replayFile}`);
  io.out(`saved: ${failure.filePath}`);
  if (failure.reportFiles !== undefined) {
    const { traceJson, mermaid, html } = failure.reportFiles;
    io.out(`reports: ${html} (open in a browser), ${mermaid}, ${traceJson}`);
  }
}

/** The JSON report of a sweep. */
export function printCheckJson(modulePath: string, report: SweepReport, failure: ReportedFailure | undefined, io: Io, extra: object = {}): void {
  io.out(JSON.stringify({ module: modulePath, verdict: report.verdict, runs: report.runs, seed: report.seed, ...extra, coverage: report.coverage, ...failureJson(failure) }));
}

/** The report of an exhaustive search: how much it covered, and whether completely. */
export function printExhaustive(modulePath: string, config: RunConfig, report: ExhaustiveReport, elapsedMs: number, failure: ReportedFailure | undefined, json: boolean, io: Io): void {
  const perSecond = Math.round((report.schedules + report.pruned) / Math.max(elapsedMs / 1000, 1e-3));
  if (json) {
    io.out(JSON.stringify({ module: modulePath, verdict: failure === undefined ? 'pass' : 'fail', strategy: 'exhaustive', schedules: report.schedules, traces: report.schedules, executions: report.executions, pruned: report.pruned, complete: report.complete, runsPerSecond: perSecond, config, ...failureJson(failure) }));
    return;
  }
  const paint = painterFor(io);
  const covered = report.complete ? 'the whole space was covered' : failure === undefined ? 'the search was cut by the --runs bound' : 'the search stopped at the first violation';
  io.out(`exhaustive search of ${config.clients} clients × ${config.documents} document(s), simultaneous arrivals, fixed 1 ms latencies`);
  const perTrace = (report.executions / Math.max(report.schedules, 1)).toFixed(2);
  io.out(`${report.schedules} distinct schedules explored (Mazurkiewicz traces; ${report.executions} executions started, ${perTrace} per trace), ${perSecond} runs/s; ${covered}`);
  if (failure === undefined) {
    io.out(report.complete ? paint.green(`✓ PASS ${modulePath}: no violation in the whole space of this configuration`) : paint.green(`✓ PASS ${modulePath}: no violation in the part explored`));
    return;
  }
  io.out(paint.red(paint.bold(`✗ FAIL ${modulePath}: ${failure.property}`)));
  printFailure(failure, io);
}

function failureJson(failure: ReportedFailure | undefined): object {
  if (failure === undefined) return {};
  return {
    failure: {
      property: failure.property,
      message: failure.message,
      seed: failure.seed,
      strategy: failure.strategy,
      replay: failure.replaySeed ?? failure.replayFile,
      replayFile: failure.replayFile,
      file: failure.filePath,
      shrunk: { before: failure.counterexample.before, after: failure.counterexample.after },
      config: failure.counterexample.file.config,
      nearestPass: nearestPassLines(failure),
      ...(failure.reportFiles === undefined ? {} : { reports: failure.reportFiles }),
    },
  };
}

/** What "pass" means, per strategy: runs, distinct schedules, and PCT's bound from the observed n and k. */
export function confidenceLines(coverage: readonly StrategyCoverage[]): string[] {
  return coverage.map((entry) => {
    const base = `${entry.strategy}: ${entry.runs} runs, ${entry.distinctSchedules} distinct schedules, up to ${entry.stepsMax} steps and ${entry.actorsMax} actors a run`;
    if (entry.strategy !== 'pct') return base;
    const depths = Object.entries(entry.runsByDepth)
      .map(([depth, runs]) => {
        const bound = pctBound(entry.actorsMax, entry.stepsMax, Number(depth));
        const missed = (1 - bound) ** runs;
        return `d=${depth}: ${runs} runs, each ≥ ${bound.toExponential(1)} → a given depth-${depth} bug missed with probability ≤ ${missed.toPrecision(2)}`;
      })
      .join('; ');
    return `${base}; per-run bound 1/(n·k^(d−1)) with n=${entry.actorsMax}, k=${entry.stepsMax}: ${depths}`;
  });
}
