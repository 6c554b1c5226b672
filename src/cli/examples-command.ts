import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { sweep } from '../explore/sweep.ts';
import { exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { packageRoot } from '../package-root.ts';

/** The bundled example providers, next to the package's sources. */
export const bundledExamplesDirectory = `${packageRoot}examples/providers/`;

/** Options of `rtc-sim examples`. */
export interface ExamplesCommandOptions {
  readonly runs: number;
  readonly seed: number;
}

/**
 * `rtc-sim examples [dir]` (`npm start`): checks every example provider and prints a verdict table. A file
 * named `good-*` must pass and `buggy-*` must be caught; the exit code is 0 only when all behave so.
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
  const paint = painterFor(io);
  const rows: string[][] = [['example', 'expected', 'verdict', 'property', 'runs', 'failing seed']];
  let allAsExpected = true;
  for (const file of files) {
    const path = join(folder, file);
    const source = await loadSource(path, io.cwd);
    if (!source.ok) {
      io.err(inputErrorMessage(source.error));
      return exitCodes.input;
    }
    const report = await sweep({ source: source.value, runs: options.runs, seed: options.seed, pins: {} });
    const expected = file.startsWith('good-') ? 'pass' : 'fail';
    const asExpected = report.verdict === expected;
    allAsExpected &&= asExpected;
    rows.push([
      relative(io.cwd, path),
      expected,
      asExpected ? report.verdict : `${report.verdict} (UNEXPECTED)`,
      report.failure?.property ?? '',
      String(report.runs),
      report.failure === undefined ? '' : String(report.failure.seed),
    ]);
  }
  io.out(table(rows));
  io.out(allAsExpected ? paint.green('every example behaved as expected') : paint.red('some examples did not behave as expected'));
  return allAsExpected ? exitCodes.pass : exitCodes.violation;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const [header, ...body] = rows;
  return [line(header ?? []), widths.map((width) => '─'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}
