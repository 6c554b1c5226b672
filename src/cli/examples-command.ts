import { readdirSync, type Dirent } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ok, type Result } from '../errors.ts';
import { sweep } from '../explore/sweep.ts';
import { foundInSweep, runFailurePipeline } from '../explore/failure-pipeline.ts';
import { appendStepSummary, stepSummaryMarkdown, type SummaryFailure, type VerdictRow } from '../report/step-summary.ts';
import { replayCommandLine } from './check-command.ts';
import { exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { packageRoot } from '../package-root.ts';
import { shellWord } from './options.ts';

/** The bundled example providers, next to the package's sources. */
export const bundledExamplesDirectory = `${packageRoot}examples/providers/`;

/** The bundled example stacks: one folder per stack, a `provider.ts` and its `good-*` and `buggy-*` backends. */
export const bundledStacksDirectory = `${packageRoot}examples/stacks/`;

/** Schedules per stack example unless `--stack-runs` says otherwise: a stack runs a real database, ~100× a provider's cost. */
export const stackRunsDefault = 100;

/** Options of `rtc-sim examples`. */
export interface ExamplesCommandOptions {
  readonly runs: number;
  readonly seed: number;
  /** Schedules per stack example (default `stackRunsDefault`, at most `runs`). */
  readonly stackRuns?: number;
}

/** One example: a provider alone, or a provider with a backend; `name` decides what it must do. */
interface Example {
  readonly provider: string;
  readonly backend?: string;
  /** The file whose name says `good-` or `buggy-`. */
  readonly named: string;
}

/** One example's verdict: the row of the table, and with a job summary the failing run made ready to show. */
interface ExampleResult {
  readonly row: VerdictRow & { readonly expected: 'pass' | 'fail' };
  readonly failure: SummaryFailure | undefined;
}

const exampleName = /^(good|buggy)-.*\.(ts|js|mjs|mts)$/;

/**
 * `rtc-sim examples [dir]` (`npm start`): checks every example and prints a verdict table. A file named
 * `good-*` must pass and `buggy-*` must be caught; the exit code is 0 only when all behave so. The examples
 * are the folder's provider files, and each stack in it — a subfolder with a `provider.ts` and `good-*` /
 * `buggy-*` backend modules, each checked with that provider (`check provider.ts --backend <it>`). Without a
 * folder: the bundled providers and stacks. With a CI job summary (`GITHUB_STEP_SUMMARY`), the same rows go
 * there in Markdown, with each failing example's run.
 */
export async function examplesCommand(directory: string | undefined, options: ExamplesCommandOptions, io: Io): Promise<number> {
  const folders = directory === undefined ? [bundledExamplesDirectory, bundledStacksDirectory] : [resolve(io.cwd, directory)];
  const examples: Example[] = [];
  for (const folder of folders) {
    const found = examplesIn(folder);
    if (found === undefined) {
      io.err(`input error: cannot read the examples folder ${folder}`);
      return exitCodes.input;
    }
    examples.push(...found);
  }
  if (examples.length === 0) {
    io.err(`input error: ${folders.join(', ')} has no good-*.ts or buggy-*.ts examples (providers, or stack folders with a provider.ts)`);
    return exitCodes.input;
  }
  const results: ExampleResult[] = [];
  for (const example of examples) {
    const result = await checkExample(example, options, io);
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

/** The examples of one folder, sorted: its provider files, then its stacks; undefined when it cannot be read. */
function examplesIn(folder: string): Example[] | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const withBackend = backendFolderExamples(folder);
  if (withBackend.length > 0) return withBackend;
  const providers = entries.filter((entry) => entry.isFile() && exampleName.test(entry.name)).map((entry) => join(folder, entry.name));
  const stacks = entries.filter((entry) => entry.isDirectory()).flatMap((entry) => [...stackExamples(join(folder, entry.name)), ...backendFolderExamples(join(folder, entry.name))]);
  return [...providers.sort().map((path) => ({ provider: path, named: path })), ...stacks];
}

// A stack folder: its provider with each of its good-* and buggy-* backends; a folder without provider.ts is none.
function stackExamples(folder: string): Example[] {
  const files = readdirSync(folder);
  const provider = files.find((name) => /^provider\.(ts|js|mjs|mts)$/.test(name));
  if (provider === undefined) return [];
  return files
    .filter((name) => exampleName.test(name))
    .sort()
    .map((name) => ({ provider: join(folder, provider), backend: join(folder, name), named: join(folder, name) }));
}

// A folder of providers that fetch from one backend: its backend.ts with each of its good-* and buggy-* providers.
function backendFolderExamples(folder: string): Example[] {
  const files = readdirSync(folder);
  const backend = files.find((name) => /^backend\.(ts|js|mjs|mts)$/.test(name));
  if (backend === undefined) return [];
  return files
    .filter((name) => exampleName.test(name))
    .sort()
    .map((name) => ({ provider: join(folder, name), backend: join(folder, backend), named: join(folder, name) }));
}

/** Sweeps one example; with a job summary, its failing run goes through the failure pipeline (not shrunk). */
async function checkExample(example: Example, options: ExamplesCommandOptions, io: Io): Promise<Result<ExampleResult>> {
  const loaded = await loadSource(example.provider, io.cwd, example.backend === undefined ? {} : { backend: example.backend });
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  const module = relative(io.cwd, example.provider);
  const backend = example.backend === undefined ? undefined : relative(io.cwd, example.backend);
  const runs = backend === undefined ? options.runs : Math.min(options.runs, options.stackRuns ?? stackRunsDefault);
  const report = await sweep({ source, runs, seed: options.seed, pins: {} });
  const row = {
    module: example.named === example.provider ? module : (backend ?? module),
    expected: basename(example.named).startsWith('good-') ? 'pass' : 'fail',
    verdict: report.verdict,
    property: report.failure?.property ?? '',
    runs: report.runs,
    failingSeed: report.failure?.seed,
  } as const;
  if (report.failure === undefined || io.stepSummaryPath === undefined) return ok({ row, failure: undefined });
  const failure = await runFailurePipeline(foundInSweep(report.failure), { source, module, ...(backend === undefined ? {} : { backend }), shrink: false });
  return ok({
    row,
    failure: {
      module: example.named === example.provider ? module : (backend ?? module),
      property: failure.property,
      message: failure.counterexample.file.message,
      replayLines: [replayCommandLine(io.cwd, `--seed ${failure.seed} ${shellWord(module)}`, backend === undefined ? '' : `--backend ${shellWord(backend)}`)],
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
