// The workers against the machine's ceiling, in one run: the same seeds swept (a) by two independent
// single-thread processes side by side, each sweeping half — what two cores can give with nothing shared —
// and (b) by parallelSweep with two workers, pool start-up included. The ratio (a)/(b) is the pool's share
// of the ceiling (issue 17 asks ≥ 95 %). Run alone: `node bin/run-ts.mjs bench/worker-ceiling.ts [RUNS] [REPETITIONS]`.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { parallelSweep } from '../src/explore/parallel-sweep.ts';
import { sweep } from '../src/explore/sweep.ts';
import { packageRoot } from '../src/package-root.ts';
import { goodProviderPath, goodProviderSource } from './rtc-sim-throughput.ts';
import type { SliceResult, SliceTask } from './sweep-slice.ts';

/** One repetition's wall times, in milliseconds. */
export interface CeilingMeasurement {
  /** One thread sweeping every seed in this process. */
  readonly singleMs: number;
  /** Two warm processes side by side, each half the seeds: from the start message to the last result. */
  readonly twoProcessesMs: number;
  /** parallelSweep with two workers, pool start-up included. */
  readonly twoWorkersMs: number;
  readonly verdicts: readonly string[];
}

/** The fastest of each measurement over the repetitions, and the ratios between them. */
export interface CeilingReport {
  readonly runs: number;
  readonly repetitions: number;
  readonly singleMs: number;
  readonly twoProcessesMs: number;
  readonly twoWorkersMs: number;
  /** The ceiling's speed-up over one thread. */
  readonly ceilingSpeedUp: number;
  /** The pool's speed-up over one thread. */
  readonly workersSpeedUp: number;
  /** The pool's time as a share of the ceiling's: twoProcessesMs / twoWorkersMs. */
  readonly shareOfCeiling: number;
  readonly verdicts: readonly string[];
}

function startSlice(): Promise<ChildProcess> {
  const child = fork(`${packageRoot}bin/run-ts.mjs`, ['bench/sweep-slice.ts'], { cwd: packageRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => (message === 'ready' ? resolve(child) : reject(new Error(`unexpected ${String(message)}`))));
    child.once('error', reject);
  });
}

function sweepSlice(child: ChildProcess, task: SliceTask): Promise<SliceResult> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as SliceResult));
    child.once('error', reject);
    child.send(task);
  });
}

async function twoProcesses(runs: number, seed: number): Promise<{ elapsedMs: number; verdict: string }> {
  const children = await Promise.all([startSlice(), startSlice()]);
  const half = Math.ceil(runs / 2);
  const started = performance.now();
  const results = await Promise.all([sweepSlice(children[0]!, { seed, runs: half }), sweepSlice(children[1]!, { seed: seed + half, runs: runs - half })]);
  const elapsedMs = performance.now() - started;
  return { elapsedMs, verdict: results.every((result) => result.verdict === 'pass') ? 'pass' : 'fail' };
}

async function measureOnce(runs: number, seed: number): Promise<CeilingMeasurement> {
  const source = await goodProviderSource('module');
  let started = performance.now();
  const single = await sweep({ source, runs, seed, pins: {} });
  const singleMs = performance.now() - started;
  const ceiling = await twoProcesses(runs, seed);
  started = performance.now();
  const pooled = await parallelSweep({ modulePath: goodProviderPath, source, runs, seed, pins: {}, workers: 2 });
  const twoWorkersMs = performance.now() - started;
  return { singleMs, twoProcessesMs: ceiling.elapsedMs, twoWorkersMs, verdicts: [single.verdict, ceiling.verdict, pooled.verdict] };
}

/** Measures the three sweeps `repetitions` times and keeps the fastest of each. */
export async function measureWorkerCeiling(runs: number, repetitions: number, seed = 1): Promise<CeilingReport> {
  const measurements: CeilingMeasurement[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) measurements.push(await measureOnce(runs, seed));
  const fastest = (pick: (measurement: CeilingMeasurement) => number): number => Math.min(...measurements.map(pick));
  const singleMs = fastest((measurement) => measurement.singleMs);
  const twoProcessesMs = fastest((measurement) => measurement.twoProcessesMs);
  const twoWorkersMs = fastest((measurement) => measurement.twoWorkersMs);
  return {
    runs,
    repetitions,
    singleMs,
    twoProcessesMs,
    twoWorkersMs,
    ceilingSpeedUp: singleMs / twoProcessesMs,
    workersSpeedUp: singleMs / twoWorkersMs,
    shareOfCeiling: twoProcessesMs / twoWorkersMs,
    verdicts: [...new Set(measurements.flatMap((measurement) => measurement.verdicts))],
  };
}

/** The report in one line. */
export function describeWorkerCeiling(report: CeilingReport): string {
  const ms = (value: number): string => Math.round(value).toLocaleString('en-US');
  return (
    `workers: ${report.runs.toLocaleString('en-US')} schedules (3 clients, swarm worlds), fastest of ${report.repetitions}: ` +
    `1 thread ${ms(report.singleMs)} ms; ceiling (2 independent processes, half each) ${ms(report.twoProcessesMs)} ms = ${report.ceilingSpeedUp.toFixed(2)}×; ` +
    `2 workers (pool start-up included) ${ms(report.twoWorkersMs)} ms = ${report.workersSpeedUp.toFixed(2)}× → ${(report.shareOfCeiling * 100).toFixed(1)} % of the ceiling (target ≥ 95 %); verdicts ${report.verdicts.join('/')}`
  );
}

// Bundled, this module's URL names its own entry only when it is run directly (not imported by bench/run.ts).
// With `--json`, the report alone is printed as one line of JSON (how bench/run.ts reads it from a child).
if (import.meta.url.includes('worker-ceiling')) {
  const [runs, repetitions] = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
  const report = await measureWorkerCeiling(Number(runs ?? 50_000), Number(repetitions ?? 3));
  console.log(process.argv.includes('--json') ? JSON.stringify(report) : describeWorkerCeiling(report));
}

/**
 * Measures in a fresh child process. The ceiling's two processes start with empty heaps; measured inside a
 * process that has just run the large worlds, the one thread and the pool's main thread would carry that
 * heap (more marking per collection) and the share of the ceiling would say more about the bench's order
 * than about the pool (75 % inside the full bench against 97 % alone, on the same idle machine).
 */
export function measureWorkerCeilingInChild(runs: number, repetitions: number): CeilingReport {
  const child = spawnSync(process.execPath, [`${packageRoot}bin/run-ts.mjs`, 'bench/worker-ceiling.ts', String(runs), String(repetitions), '--json'], { cwd: packageRoot, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`bench/worker-ceiling.ts failed (exit ${child.status}): ${child.stderr.trim()}`);
  return JSON.parse(line) as CeilingReport;
}
