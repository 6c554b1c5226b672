// The mutation score of several Stryker runs taken together: `npm run mutate` over everything takes hours on a
// 2-core machine, so it is run in parts (`npx stryker run --mutate <part> --incremental --incrementalFile
// reports/<part>.json`), each part's JSON report kept. This prints each source file's score and the total over
// all parts, with Stryker's own metrics package, and exits 1 when the total is under --total or a file under
// --file (the thresholds of issue 28: 95 and 85).
//
//   node bin/run-ts.mjs scripts/mutation-score.ts reports/model-check.json reports/backend-database.json
//
// A file measured in two reports is taken from the later one on the command line, whole.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { calculateMetrics } from 'mutation-testing-metrics';
import type { FileResult, MutationTestResult } from 'mutation-testing-report-schema';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { total: { type: 'string', default: '95' }, file: { type: 'string', default: '85' } },
});
if (positionals.length === 0) {
  console.error('usage: mutation-score.ts [--total 95] [--file 85] <mutation.json>…');
  process.exit(2);
}
const totalFloor = Number(values.total);
const fileFloor = Number(values.file);

const files: Record<string, FileResult> = {};
for (const path of positionals) {
  const report = JSON.parse(readFileSync(path, 'utf8')) as MutationTestResult;
  Object.assign(files, report.files);
}

const metrics = calculateMetrics(files);
const leaves = (result: typeof metrics, prefix: string): Array<[string, typeof metrics.metrics]> =>
  result.childResults.flatMap((child) => {
    const name = prefix === '' ? child.name : `${prefix}/${child.name}`;
    return child.file === undefined ? leaves(child, name) : [[name, child.metrics] as [string, typeof metrics.metrics]];
  });
const percent = (score: number): string => (Number.isNaN(score) ? '—' : `${score.toFixed(2)} %`);

const rows = leaves(metrics, '').sort(([a], [b]) => (a < b ? -1 : 1));
const low = rows.filter(([, m]) => m.mutationScore < fileFloor);
for (const [name, m] of rows) {
  const mark = m.mutationScore < fileFloor ? '  ✗' : '';
  console.log(`${percent(m.mutationScore).padStart(9)}  ${name}  ${m.killed} (${m.timeout}) / ${m.survived} / ${m.noCoverage}${m.ignored > 0 ? `, ${m.ignored} ignored` : ''}${mark}`);
}
const all = metrics.metrics;
console.log(`total ${percent(all.mutationScore)} over ${rows.length} files: ${all.killed} killed, ${all.timeout} timed out, ${all.survived} survived, ${all.noCoverage} without coverage, ${all.ignored} ignored`);
if (low.length > 0) console.log(`under ${fileFloor} %: ${low.map(([name]) => name).join(', ')}`);
process.exit(all.mutationScore >= totalFloor && low.length === 0 ? 0 : 1);
