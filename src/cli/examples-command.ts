import { readdirSync, type Dirent } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { explainFailure, scanRange, type FirstFailure, type SweepFailure } from '../explore/sweep.ts';
import { startSweepPool, type SweepPool } from '../explore/sweep-pool.ts';
import { defaultWorkerCount } from '../explore/parallel-sweep.ts';
import { CoverageTally } from '../explore/coverage.ts';
import type { ProviderSource } from '../providers/source.ts';
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
  /** Threads that check examples at once (default: the cores this process may use). */
  readonly workers?: number;
}

/** One example: a provider alone, or a provider with a backend; `name` decides what it must do. */
interface Example {
  readonly provider: string;
  readonly backend?: string;
  /** The file whose name says `good-` or `buggy-`. */
  readonly named: string;
}

/** An example whose files loaded: ready to sweep here or in a pool thread. */
interface LoadedExample extends Example {
  readonly source: ProviderSource;
  readonly runs: number;
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
  const loaded: LoadedExample[] = [];
  for (const example of examples) {
    const source = await loadSource(example.provider, io.cwd, example.backend === undefined ? {} : { backend: example.backend });
    if (!source.ok) {
      io.err(inputErrorMessage(source.error));
      return exitCodes.input;
    }
    const runs = example.backend === undefined ? options.runs : Math.min(options.runs, options.stackRuns ?? stackRunsDefault);
    loaded.push({ ...example, source: source.value, runs });
  }
  const found = await sweepAll(loaded, options.seed, options.workers ?? defaultWorkerCount());
  const results: ExampleResult[] = [];
  for (const [index, example] of loaded.entries()) results.push(await exampleResult(example, found[index], options.seed, io));
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
  const stack = stackExamples(folder);
  if (stack.length > 0) return stack;
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

/**
 * Sweeps every example, `workers` at a time: this thread and `workers - 1` pool threads each take the next
 * example left, stacks first (each costs as much as dozens of providers), so that the threads end together.
 * Returns each example's first failing seed, in the examples' order: what `sweep` finds, since an example is
 * scanned whole, by one thread, in seed order.
 */
async function sweepAll(examples: readonly LoadedExample[], seed: number, workers: number): Promise<(FirstFailure | undefined)[]> {
  const found: (FirstFailure | undefined)[] = new Array<FirstFailure | undefined>(examples.length);
  const order = [...examples.keys()].sort((a, b) => Number(examples[a]?.backend === undefined) - Number(examples[b]?.backend === undefined));
  let next = 0;
  const workOn = async (scan: (example: LoadedExample) => Promise<FirstFailure | undefined>): Promise<void> => {
    for (let index = order[next++]; index !== undefined; index = order[next++]) {
      const example = examples[index];
      if (example !== undefined) found[index] = await scan(example);
    }
  };
  // This thread yields after every run, so that a pool thread done with its example gets the next at once.
  const here = (example: LoadedExample): Promise<FirstFailure | undefined> => scanRange({ source: example.source, runs: example.runs, seed, pins: {} }, new CoverageTally(), 1);
  const threads = Math.min(workers, examples.length) - 1;
  if (threads <= 0) {
    await workOn(here);
    return found;
  }
  const pool: SweepPool = await startSweepPool(threads);
  const inPool = async (example: LoadedExample): Promise<FirstFailure | undefined> =>
    (await pool.run({ modulePath: example.provider, ...(example.backend === undefined ? {} : { backendPath: example.backend }), seed, runs: example.runs, pins: {} })).failure;
  try {
    await Promise.all([workOn(here), ...Array.from({ length: threads }, () => workOn(inPool))]);
  } finally {
    await pool.destroy();
  }
  return found;
}

/** One example's row from its first failing seed; with a job summary, its failing run goes through the failure pipeline (not shrunk). */
async function exampleResult(example: LoadedExample, found: FirstFailure | undefined, seed: number, io: Io): Promise<ExampleResult> {
  const failure: SweepFailure | undefined = found === undefined ? undefined : await explainFailure(example.source, found, {});
  const module = relative(io.cwd, example.provider);
  const backend = example.backend === undefined ? undefined : relative(io.cwd, example.backend);
  const named = example.named === example.provider ? module : (backend ?? module);
  const row = {
    module: named,
    expected: basename(example.named).startsWith('good-') ? 'pass' : 'fail',
    verdict: failure === undefined ? 'pass' : 'fail',
    property: failure?.property ?? '',
    runs: found === undefined ? example.runs : found.seed - seed + 1,
    failingSeed: failure?.seed,
  } as const;
  if (failure === undefined || io.stepSummaryPath === undefined) return { row, failure: undefined };
  const pipeline = await runFailurePipeline(foundInSweep(failure), { source: example.source, module, ...(backend === undefined ? {} : { backend }), shrink: false });
  return {
    row,
    failure: {
      module: named,
      property: pipeline.property,
      message: pipeline.counterexample.file.message,
      replayLines: [replayCommandLine(io.cwd, `--seed ${pipeline.seed} ${shellWord(module)}`, backend === undefined ? '' : `--backend ${shellWord(backend)}`)],
      run: pipeline.counterexample.result,
      runName: `the failing run (seed ${pipeline.seed})`,
    },
  };
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
