import type { VerdictRow } from './step-summary.ts';

const rowPattern = /^(?<module>.+?)\s+(?<expected>pass|fail)\s+(?<verdict>pass|fail)(?: \(UNEXPECTED\))?\s+(?:(?<property>[a-z][a-z-]*)\s+)?(?<runs>\d+)(?:\s+(?<seed>\d+))?$/;

/**
 * Reads the verdict table `rtc-sim examples` prints back into rows, for the job summary. The command prints
 * its table and returns only an exit code; reading the table keeps the examples command untouched.
 */
export function parseExamplesTable(text: string): VerdictRow[] {
  const rows: VerdictRow[] = [];
  for (const line of text.split('\n')) {
    const groups = rowPattern.exec(line.trimEnd())?.groups;
    if (groups === undefined) continue;
    rows.push({
      module: groups['module'] ?? '',
      expected: groups['expected'] === 'pass' ? 'pass' : 'fail',
      verdict: groups['verdict'] === 'pass' ? 'pass' : 'fail',
      property: groups['property'] ?? '',
      runs: Number(groups['runs']),
      failingSeed: groups['seed'] === undefined ? undefined : Number(groups['seed']),
    });
  }
  return rows;
}
