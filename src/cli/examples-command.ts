import { readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ok, type Result } from '../errors.ts';
import { sweep } from '../explore/sweep.ts';
import { foundInSweep, runFailurePipeline } from '../report/failure-pipeline.ts';
import { appendStepSummary, stepSummaryMarkdown, type SummaryFailure, type VerdictRow } from '../report/step-summary.ts';
import { replayCommandLine } from './check-command.ts';
import { exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { packageRoot } from '../package-root.ts';
import { shellWord } from './options.ts';

/** The bundled example providers, next to the package's sources. */
export const bundledExamplesDirectory = `${packageRoot}examples/providers/`;

/** Options of `rtc-sim examples`. */
export interface ExamplesCommandOptions {
  readonly runs: number;
  readonly seed: number;
}

/** One example's verdict: the row of the table, and with a job summary the failing run made ready to show. */
interface ExampleResult {
  readonly row: VerdictRow & { readonly expected: 'pass' | 'fail' };
  readonly failure: SummaryFailure | undefined;
}

/**
 * `rtc-sim examples [dir]` (`npm start`): checks every example provider and prints a verdict table. A file
 * named `good-*` must pass and `buggy-*` must be caught; the exit code is 0 only when all behave so. With a CI
 * job summary (`GITHUB_STEP_SUMMARY`), the same rows go there in Markdown, with each failing example's run.
 */
export async function examplesCommand(directory: string | undefined, options: ExamplesCommandOptions, io: Io): Promise<number> {
  const folder = directory === undefined ? bundledExamplesDirectory : resolve(io.cwd, directory);
  let files: string[];
  try {
    files = readdirSync(folder).filter((name) => /^(good|buggy)-.*\.(ts|js|mjs|mts)$/.test(name)).sort();
  } catch {
    io.err(`input error: cannot read the examples folder ${folder}`);
    return exitCodes.input;
  }
  if (files.length === 0) {
    io.err(`input error: ${folder} has no good-*.ts or buggy-*.ts example providers`);
    return exitCodes.input;
  }
  const results: ExampleResult[] = [];
  for (const file of files) {
    const result = await checkExample(join(folder, file), options, io);
    if (!result.ok) {
      io.err(inputErrorMessage(result.error));
      return exitCodes.input;
    }
    results.push(result.value);
  }
  const rows = results.map((result) => result.row);
  const allAsExpected = rows.every((row) => row.verdict === row.expected);
  const paint = painterFor(io);
  io.out(examplesTable(rows));
  io.out(allAsExpected ? paint.green('every example behaved as expected') : paint.red('some examples did not behave as expected'));
  if (io.stepSummaryPath !== undefined) {
    const failures = results.flatMap((result) => (result.failure === undefined ? [] : [result.failure]));
    appendStepSummary(io.stepSummaryPath, stepSummaryMarkdown({ title: 'rtc-sim examples', rows, failures, open: false }));
  }
  return allAsExpected ? exitCodes.pass : exitCodes.violation;
}

/** Sweeps one example; with a job summary, its failing run goes through the failure pipeline (not shrunk). */
async function checkExample(path: string, options: ExamplesCommandOptions, io: Io): Promise<Result<ExampleResult>> {
  const loaded = await loadSource(path, io.cwd);
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  const module = relative(io.cwd, path);
  const report = await sweep({ source, runs: options.runs, seed: options.seed, pins: {} });
  const row = {
    module,
    expected: basename(path).startsWith('good-') ? 'pass' : 'fail',
    verdict: report.verdict,
    property: report.failure?.property ?? '',
    runs: report.runs,
    failingSeed: report.failure?.seed,
  } as const;
  if (report.failure === undefined || io.stepSummaryPath === undefined) return ok({ row, failure: undefined });
  const failure = await runFailurePipeline(foundInSweep(report.failure), { source, module, shrink: false });
  return ok({
    row,
    failure: {
      module,
      property: failure.property,
      message: failure.counterexample.file.message,
      replayLines: [replayCommandLine(io.cwd, `--seed ${failure.seed} ${shellWord(module)}`, '')],
      run: failure.counterexample.result,
      runName: `the failing run (seed ${failure.seed})`,
    },
  });
}

/** The verdict table as text: one row per example, marking the ones that did not behave as their name says. */
export function examplesTable(rows: readonly (VerdictRow & { readonly expected: 'pass' | 'fail' })[]): string {
  return table([
    ['example', 'expected', 'verdict', 'property', 'runs', 'failing seed'],
    ...rows.map((row) => [
      row.module,
      row.expected,
      row.verdict === row.expected ? row.verdict : `${row.verdict} (UNEXPECTED)`,
      row.property,
      String(row.runs),
      row.failingSeed === undefined ? '' : String(row.failingSeed),
    ]),
  ]);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const [header, ...body] = rows;
  return [line(header ?? []), widths.map((width) => '─'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}
