// `npm run bench:find`: how many runs each strategy needs to catch each bundled buggy example.
// A benchmark, not a test: it prints medians and maxima over many first seeds and asserts nothing.
import { readdirSync } from 'node:fs';
import type { SwarmSettings } from '../src/config/run-config.ts';
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromModule } from '../src/providers/source.ts';
import { packageRoot } from '../src/package-root.ts';

const seedsPerCell = Number(process.env['FIND_SEEDS'] ?? 20);
// FIND_EXAMPLES=cache,30-days measures only the examples whose names contain one of the words.
const only = process.env['FIND_EXAMPLES']?.split(',').filter((word) => word !== '');
const runsCap = 5_000;
const folder = `${packageRoot}examples/providers/`;
const strategies: Record<string, SwarmSettings> = {
  random: { strategy: 'random' },
  pct: { strategy: 'pct' },
  portfolio: {},
};

/** The median of a list of numbers. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const rows: string[][] = [['example', ...Object.keys(strategies).map((name) => `${name} median / max`)]];
for (const file of readdirSync(folder).filter((name) => name.startsWith('buggy-') && (only === undefined || only.some((word) => name.includes(word)))).sort()) {
  const compiled = await loadProviderModule(`${folder}${file}`);
  if (!compiled.ok) throw new Error(compiled.error.message);
  const source = sourceFromModule(compiled.value);
  const cells: string[] = [];
  for (const pins of Object.values(strategies)) {
    const runsNeeded: number[] = [];
    let missed = 0;
    for (let index = 0; index < seedsPerCell; index++) {
      const report = await sweep({ source, runs: runsCap, seed: 1 + index * 7919, pins });
      if (report.verdict === 'fail') runsNeeded.push(report.runs);
      else missed++;
    }
    const found = runsNeeded.length > 0 ? `${median(runsNeeded)} / ${Math.max(...runsNeeded)}` : '—';
    cells.push(missed > 0 ? `${found} (missed ${missed}× in ${runsCap})` : found);
  }
  rows.push([file, ...cells]);
}
const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
console.log(`\nruns to the first failure over ${seedsPerCell} first seeds per cell (cap ${runsCap} runs)`);
