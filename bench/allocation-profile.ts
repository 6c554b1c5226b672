// Where a run's garbage comes from: `[BUDGET_WORLD=equal] node bin/run-ts.mjs bench/allocation-profile.ts [RUNS] [COUNT]`
// samples every allocation of RUNS unrecorded 3-client runs (V8's sampling heap profiler, objects the
// collector freed included) and prints the allocating functions with the most bytes per run, by the source
// file of the bundle region they are in (the `// path` markers esbuild writes).
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { drawConfig } from '../src/config/swarm.ts';
import { simulate } from '../src/simulate.ts';
import { goodProviderSource } from './rtc-sim-throughput.ts';
import { equalWorldPins } from './equal-world.ts';

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

const regionsByUrl = new Map<string, { lines: number[]; files: string[] }>();

/** The source file of a bundle line, from the bundle's region markers (or the URL's tail outside a bundle). */
function fileOf(url: string, lineNumber: number): string {
  if (!url.includes('/node_modules/.cache/rtc-sim/')) return url.replace(/^.*\/(node_modules|examples)\//, '$1/') || '(native)';
  let regions = regionsByUrl.get(url);
  if (regions === undefined) {
    const found: { lines: number[]; files: string[] } = { lines: [], files: [] };
    readFileSync(fileURLToPath(url), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const marker = /^\/\/ ((?:src|bench|examples|bin)\/\S+)$/.exec(line);
        if (marker?.[1] !== undefined) {
          found.lines.push(index);
          found.files.push(marker[1]);
        }
      });
    regions = found;
    regionsByUrl.set(url, regions);
  }
  let file = '?';
  for (let index = 0; index < regions.lines.length && (regions.lines[index] ?? Infinity) <= lineNumber; index++) file = regions.files[index] ?? '?';
  return file;
}

const runs = Number(process.argv[2] ?? 2_000);
const count = Number(process.argv[3] ?? 40);
const pins = process.env['BUDGET_WORLD'] === 'equal' ? { ...equalWorldPins(), clients: 3 } : { clients: 3 };
const source = await goodProviderSource('module');
const unrecorded = async (): Promise<void> => {
  for (let index = 0; index < runs; index++) await simulate({ config: drawConfig(1 + index, pins), source });
};
await unrecorded();

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
await unrecorded();
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SamplingNode } };
session.disconnect();

const bytesBy = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
const visit = (node: SamplingNode): void => {
  if (node.selfSize > 0) {
    const file = fileOf(node.callFrame.url, node.callFrame.lineNumber);
    const place = `${node.callFrame.functionName || '(anonymous)'} ${file}`;
    bytesBy.set(place, (bytesBy.get(place) ?? 0) + node.selfSize);
    byFile.set(file, (byFile.get(file) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) visit(child);
};
visit(profile.head);
const print = (entries: Map<string, number>): void => {
  for (const [place, bytes] of [...entries].sort((left, right) => right[1] - left[1]).slice(0, count)) {
    console.log(`${(bytes / runs / 1024).toFixed(1).padStart(8)} KB/run ${((bytes / total) * 100).toFixed(1).padStart(5)} %  ${place}`);
  }
};
console.log(`allocated: ${(total / runs / 1024).toFixed(1)} KB a run over ${runs} runs\n\nby function:`);
print(bytesBy);
console.log('\nby file:');
print(byFile);
