// The cost of one 3-client provider-mode run, by phase (issue 17 item 1), measured in one process:
// `[BUDGET_WORLD=equal] node bin/run-ts.mjs bench/run-budget.ts [RUNS]`. Two methods, printed side by side:
//  - differences of timed loops (fastest of three): drawing the world, one unrecorded run (what a sweep runs),
//    one recorded run (what the determinism self-check runs twice every 97 seeds);
//  - a CPU profile of the unrecorded runs (node:inspector, in this process), each sample charged to the
//    innermost frame that belongs to rtc-sim, the provider or seedrandom, and that frame's source file to a
//    phase. The bundle marks each source file's region with a `// path` line, which maps lines to files.
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { drawConfig } from '../src/config/swarm.ts';
import { selfCheckEveryRuns } from '../src/explore/sweep.ts';
import { simulate } from '../src/simulate.ts';
import { runBareLoop } from './bare-loop.ts';
import { goodProviderSource } from './rtc-sim-throughput.ts';
import { equalWorldPins } from './equal-world.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A phase of a run and the source files (path prefixes) whose code is charged to it; the first match wins. */
const phases: readonly (readonly [phase: string, test: (file: string, functionName: string) => boolean])[] = [
  ['stream seeding (Alea + Mash)', (file, name) => file.includes('seedrandom') && /^(Alea|Mash|mash|alea)$/.test(name)],
  ['stream draws', (file) => file.includes('seedrandom') || file === 'src/kernel/random.ts'],
  ['world set-up (config draw, World, clocks)', (file, name) => file.startsWith('src/config/') || file === 'src/model/clocks.ts' || (file === 'src/world/world.ts' && /^(World|start|prepare)$/.test(name))],
  ['module instances (sandbox, env, instance globals)', (file) => file === 'src/model/browser-modules.ts' || file === 'src/model/instance-hooks.ts' || (file.startsWith('src/providers/') && file !== 'src/providers/realm.ts')],
  ['settlement (sandbox microtask drains)', (file) => file === 'src/providers/realm.ts'],
  ['provider code', (file) => file.startsWith('examples/')],
  ['probes (retention)', (file) => file === 'src/model/probe.ts'],
  ['checkers', (file) => file.startsWith('src/check/')],
  ['trace records (emit)', (file) => file === 'src/simulate.ts'],
  ['strategy and coverage tally', (file) => file.startsWith('src/explore/')],
  ['kernel (queue, heap, loop)', (file) => file.startsWith('src/kernel/')],
  ['model event flow (clients, server, network, key store, crypto)', (file) => file.startsWith('src/model/') || file.startsWith('src/world/')],
];

const bundleRegions = new Map<string, { lines: number[]; files: string[] }>();

/** The source file a bundle line belongs to, from the bundle's `// path` region markers. */
function sourceFileOf(url: string, lineNumber: number): string | undefined {
  if (url.includes('/node_modules/seedrandom/')) return 'seedrandom';
  if (url.includes('/examples/')) return `examples/${url.split('/examples/')[1]}`;
  if (!url.includes('/node_modules/.cache/rtc-sim/')) return undefined;
  let regions = bundleRegions.get(url);
  if (regions === undefined) {
    regions = { lines: [], files: [] };
    readFileSync(fileURLToPath(url), 'utf8').split('\n').forEach((line, index) => {
      const marker = /^\/\/ ((?:src|bench|examples|bin)\/\S+)$/.exec(line);
      if (marker?.[1] !== undefined) {
        regions?.lines.push(index);
        regions?.files.push(marker[1]);
      }
    });
    bundleRegions.set(url, regions);
  }
  let found: string | undefined;
  for (let index = 0; index < regions.lines.length && (regions.lines[index] ?? Infinity) <= lineNumber; index++) found = regions.files[index];
  return found;
}

/** Charges each sample to a phase; returns milliseconds per phase. */
function phaseTimes(profile: Profile): Map<string, number> {
  const parentOf = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const phaseOfNode = new Map<number, string>();
  const phaseOf = (id: number): string => {
    const known = phaseOfNode.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id)?.callFrame.functionName ?? '';
    // The inspector's own `dispatch` (serialising the profile) is not part of any run.
    const leafUrl = byId.get(id)?.callFrame.url ?? '';
    // Entering the sandbox to drain its microtask queue (vm's runInContext) is settlement, whoever asked.
    let phase = leafUrl === 'node:vm' || (leaf === 'runInContext' && leafUrl === '') ? 'settlement (sandbox microtask drains)' : leaf === 'dispatch' ? 'profiler' : leaf === '(garbage collector)' ? 'garbage collector' : leaf === '(idle)' ? 'idle (waiting)' : 'other (Node internals outside a run)';
    if (phase.startsWith('other (')) {
      // The innermost frame of rtc-sim, the provider or seedrandom names the phase.
      for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
        const frame = byId.get(at)?.callFrame;
        const file = frame === undefined ? undefined : sourceFileOf(frame.url, frame.lineNumber);
        if (frame === undefined || file === undefined) continue;
        const match = phases.find(([, test]) => test(file, frame.functionName));
        phase = match?.[0] ?? `other: ${file}`;
        break;
      }
    }
    phaseOfNode.set(id, phase);
    return phase;
  };
  const times = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    let phase = phaseOf(id);
    // BUDGET_DETAIL=<phase prefix> splits that phase by its leaf functions (where its time goes).
    const detail = process.env['BUDGET_DETAIL'];
    const leaf = byId.get(id)?.callFrame;
    if (detail !== undefined && phase.startsWith(detail) && leaf !== undefined) phase += ` · ${leaf.functionName || '(anonymous)'} ${sourceFileOf(leaf.url, leaf.lineNumber) ?? leaf.url}`;
    times.set(phase, (times.get(phase) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return times;
}

const runs = Number(process.argv[2] ?? 3_000);
const seed = 1;
// BUDGET_WORLD=equal measures the equal world (bench/equal-world.json) instead of the default swarm worlds.
const world = process.env['BUDGET_WORLD'] === 'equal' ? 'equal' : 'default';
const pins = world === 'equal' ? { ...equalWorldPins(), clients: 3 } : { clients: 3 };
const source = await goodProviderSource('module');

async function timed(body: () => Promise<void> | void): Promise<number> {
  let fastest = Infinity;
  for (let repetition = 0; repetition < 3; repetition++) {
    const started = performance.now();
    await body();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return (fastest / runs) * 1000;
}
const unrecorded = async (): Promise<void> => {
  for (let index = 0; index < runs; index++) await simulate({ config: drawConfig(seed + index, pins), source });
};
await unrecorded();
const drawMicroseconds = await timed(() => {
  for (let index = 0; index < runs; index++) drawConfig(seed + index, pins);
});
const runMicroseconds = await timed(unrecorded);
const recordedMicroseconds = await timed(async () => {
  for (let index = 0; index < runs; index++) await simulate({ config: drawConfig(seed + index, pins), source, record: true });
});
const bare = await runBareLoop({ clients: 3, runs: 20_000, seed });
const bareMicroseconds = (bare.elapsedMs / bare.runs) * 1000;
// A self-checked seed's swept run keeps its trace (recorded instead of unrecorded), and the seed runs once more.
const selfCheckMicroseconds = (2 * recordedMicroseconds - runMicroseconds) / selfCheckEveryRuns;

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
await unrecorded();
const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
session.disconnect();
const times = phaseTimes(profile);
times.delete('profiler');
const total = [...times.values()].reduce((sum, value) => sum + value, 0);

const format = (value: number): string => value.toFixed(1).padStart(7);
console.log(`one 3-client provider-mode run (good-store-backed-dynamic, ${world === 'equal' ? 'the equal world' : 'swarm worlds'}, seeds ${seed}…${seed + runs - 1}), fastest of 3:`);
console.log(`  world drawn (drawConfig)            ${format(drawMicroseconds)} µs`);
console.log(`  unrecorded run (config included)    ${format(runMicroseconds)} µs   (the bare loop: ${bareMicroseconds.toFixed(1)} µs, ${bare.eventsPerRun.toFixed(1)} events)`);
console.log(`  recorded run (full trace)           ${format(recordedMicroseconds)} µs`);
console.log(`  self-check per swept run (a recorded run and the difference of another / ${selfCheckEveryRuns}) ${format(selfCheckMicroseconds)} µs`);
console.log(`  a swept run in all                  ${format(runMicroseconds + selfCheckMicroseconds)} µs\n`);
console.log(`profile of the unrecorded runs, by phase (µs per run, share of the profile):`);
for (const [phase, milliseconds] of [...times].sort((left, right) => right[1] - left[1])) {
  console.log(`  ${format((milliseconds / runs) * 1000)} µs ${((milliseconds / total) * 100).toFixed(1).padStart(5)} %  ${phase}`);
}
