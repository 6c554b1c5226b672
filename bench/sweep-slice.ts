// One independent single-thread sweep in its own process, for the workers' ceiling (bench/worker-ceiling.ts).
// It loads the provider, says it is ready, sweeps its slice of seeds when told to start, and reports the
// sweep's own time: process start-up and loading are left out, so the ceiling is two warm, separate sweeps.
import { sweep } from '../src/explore/sweep.ts';
import { goodProviderSource } from './rtc-sim-throughput.ts';

/** The start message the parent sends: which seeds this process sweeps. */
export interface SliceTask {
  readonly seed: number;
  readonly runs: number;
}

/** What the process reports when its slice is done. */
export interface SliceResult {
  readonly verdict: 'pass' | 'fail';
  readonly runs: number;
  readonly elapsedMs: number;
}

const source = await goodProviderSource('module');
process.once('message', (message) => {
  const task = message as SliceTask;
  void (async () => {
    const started = performance.now();
    const report = await sweep({ source, runs: task.runs, seed: task.seed, pins: {} });
    const result: SliceResult = { verdict: report.verdict, runs: report.runs, elapsedMs: performance.now() - started };
    process.send?.(result, () => process.disconnect());
  })();
});
process.send?.('ready');
