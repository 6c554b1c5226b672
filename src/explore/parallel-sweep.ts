import { availableParallelism } from 'node:os';
import type { SwarmSettings } from '../config/run-config.ts';
import type { ProviderSource } from '../providers/source.ts';
import { CoverageTally } from './coverage.ts';
import { currentUserEnvironment } from '../backend/machine-hooks.ts';
import type { ChunkResult, ChunkTask } from './sweep-chunk.ts';
import { explainFailure, scanRange, sweep, type FirstFailure, type SweepReport } from './sweep.ts';
import { startSweepPool } from './sweep-pool.ts';

/** What a parallel sweep needs: the module's absolute path (each worker loads it), and a local source for the replay. */
export interface ParallelSweepOptions {
  readonly modulePath: string;
  /** The token provider module's absolute path, when JWT authentication uses one. */
  readonly tokenProviderPath?: string;
  readonly backendPath?: string;
  readonly source: ProviderSource;
  readonly runs: number;
  readonly seed: number;
  readonly pins: SwarmSettings;
  readonly workers: number;
  /** Called now and then with the runs done, and how many seeds from the first on passed without a gap. */
  readonly onProgress?: (runsDone: number, seedsPassed?: number) => void;
  /** Called whenever a failing seed lower than any found before is found (a lower one may still come). */
  readonly onFailureFound?: (found: FirstFailure) => void;
}

/** The default worker count: the cores the process may use. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

const chunkRunsMax = 250;
const chunkRunsMin = 16;

/**
 * Spreads the seeds over `workers` threads in contiguous chunks — this thread and `workers - 1` pool
 * threads — and reports exactly what a single process would: the lowest failing seed (not the first to be
 * found), replayed here with its full trace. Once a failure is known at seed s, no chunk starting after s is
 * handed out; chunks before it must still finish, since one of them may hold a lower failing seed.
 *
 * This thread sweeps too, rather than only waiting: it starts on the first chunk at once, while the pool's
 * threads start (a thread, the worker bundle's import, the provider's build: ~0.25 s each), so one start-up
 * is hidden and none is waited for; a bug in the first chunk is found at single-process speed. It yields
 * after every run of its own, so that a pool thread's finished chunk is answered with the next one at once.
 */
export async function parallelSweep(options: ParallelSweepOptions): Promise<SweepReport> {
  if (options.workers <= 1 || options.runs <= chunkRunsMax) return sweep(options);
  const chunks = chunksOf(options);
  const tally = new CoverageTally();
  const pool = await startSweepPool(options.workers - 1);
  let lowest: FirstFailure | undefined;
  let next = 0;
  let runsDone = 0;
  const passed = new Set<ChunkTask>();
  let seedsPassed = 0;
  let chunksPassed = 0;
  const results: ChunkResult[] = [];
  const workOn = async (runChunk: (chunk: ChunkTask) => Promise<ChunkResult>): Promise<void> => {
    for (let chunk = chunks[next++]; chunk !== undefined; chunk = chunks[next++]) {
      if (lowest !== undefined && chunk.seed > lowest.seed) continue;
      const result = await runChunk(chunk);
      results.push(result);
      runsDone += result.runs;
      if (result.failure === undefined) passed.add(chunk);
      // Chunks finish out of order: the seeds passed without a gap end at the first chunk still running.
      for (let first = chunks[chunksPassed]; first !== undefined && passed.has(first); first = chunks[++chunksPassed]) seedsPassed += first.runs;
      options.onProgress?.(runsDone, seedsPassed);
      if (result.failure !== undefined && (lowest === undefined || result.failure.seed < lowest.seed)) {
        lowest = result.failure;
        options.onFailureFound?.(lowest);
      }
    }
  };
  const inThisThread = async (chunk: ChunkTask): Promise<ChunkResult> => {
    // Progress within the chunk: its runs so far have passed, and follow the gapless prefix if it is the first chunk unfinished.
    const onProgress = (done: number): void => options.onProgress?.(runsDone + done, chunks[chunksPassed] === chunk ? seedsPassed + done : seedsPassed);
    const own = new CoverageTally();
    const failure = await scanRange({ source: options.source, runs: chunk.runs, seed: chunk.seed, pins: options.pins, onProgress }, own, 1);
    return { seed: chunk.seed, runs: chunk.runs, failure, coverage: own.export() };
  };
  const inPool = (chunk: ChunkTask): Promise<ChunkResult> => pool.run(chunk);
  try {
    await Promise.all([workOn(inThisThread), ...Array.from({ length: options.workers - 1 }, () => workOn(inPool))]);
  } finally {
    await pool.destroy();
  }
  // Coverage counts the runs the verdict reports: a chunk that started after the failing seed (in flight when
  // it was found) ran seeds the report does not count, and is left out (a chunk that fails stops at its failure).
  for (const result of results) if (lowest === undefined || result.seed <= lowest.seed) tally.absorb(result.coverage);
  if (lowest === undefined) return { verdict: 'pass', runs: options.runs, seed: options.seed, failure: undefined, coverage: tally.summary() };
  return failed(options, lowest, tally);
}

/**
 * The sweep's seeds in contiguous chunks, guided: each a quarter of the runs left per thread, at most
 * `chunkRunsMax` and at least `chunkRunsMin`, so that chunks shrink towards the end and the threads finish
 * within a small chunk of one another (a last chunk of 250 runs left one core idle for ~50 ms).
 */
function chunksOf(options: ParallelSweepOptions): ChunkTask[] {
  const chunks: ChunkTask[] = [];
  for (let start = 0; start < options.runs; ) {
    const left = options.runs - start;
    const runs = Math.min(left, Math.max(chunkRunsMin, Math.min(chunkRunsMax, Math.ceil(left / (options.workers * 4)))));
    chunks.push({ modulePath: options.modulePath, ...(options.tokenProviderPath === undefined ? {} : { tokenProviderPath: options.tokenProviderPath }), ...(options.backendPath === undefined ? {} : { backendPath: options.backendPath }), seed: options.seed + start, runs, pins: options.pins, environment: currentUserEnvironment() });
    start += runs;
  }
  return chunks;
}

async function failed(options: ParallelSweepOptions, found: FirstFailure, tally: CoverageTally): Promise<SweepReport> {
  const failure = await explainFailure(options.source, found, options.pins);
  return { verdict: 'fail', runs: found.seed - options.seed + 1, seed: options.seed, failure, coverage: tally.summary() };
}
