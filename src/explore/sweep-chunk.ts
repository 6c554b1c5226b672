import type { SwarmSettings } from '../config/run-config.ts';
import { loadProviderSource } from '../load-provider-source.ts';
import type { ProviderSource } from '../providers/source.ts';
import type { RunOutcome } from '../simulate.ts';
import { CoverageTally, type ExportedTally } from './coverage.ts';
import { signalIdle } from '../supervisor-signal.ts';
import { scanRange } from './sweep.ts';
import { setUserEnvironment } from '../backend/machine-hooks.ts';
import type { Environment } from '../providers/machine-environment.ts';

/** One slice of a sweep, as a worker receives it: plain data only. */
export interface ChunkTask {
  readonly modulePath: string;
  readonly tokenProviderPath?: string;
  readonly backendPath?: string;
  readonly seed: number;
  readonly runs: number;
  readonly pins: SwarmSettings;
  /** The backend machine's user variables (`--env`), set in the worker before its runs. */
  readonly environment?: Environment;
}

/** What a worker sends back: the first failing seed of its slice, if any, and what it covered. */
export interface ChunkResult {
  readonly seed: number;
  readonly runs: number;
  readonly failure: { readonly seed: number; readonly outcome: RunOutcome } | undefined;
  readonly coverage: ExportedTally;
}

// A worker loads each module once and keeps it for every chunk it is given.
const sources = new Map<string, Promise<ProviderSource>>();

function sourceFor(modulePath: string, tokenProviderPath: string | undefined, backendPath: string | undefined): Promise<ProviderSource> {
  const name = `${modulePath}\u0000${tokenProviderPath ?? ''}\u0000${backendPath ?? ''}`;
  let source = sources.get(name);
  if (source === undefined) {
    // The main thread loaded the same files before starting the pool, so a failure here is not the user's.
    source = loadProviderSource(modulePath, tokenProviderPath, backendPath).then((loaded) => {
      if (!loaded.ok) throw new Error(loaded.error.message);
      return loaded.value;
    });
    sources.set(name, source);
  }
  return source;
}

/** Runs one slice of seeds and reports its first failure; the default export a pool worker calls. */
export async function runChunk(task: ChunkTask): Promise<ChunkResult> {
  const tally = new CoverageTally();
  if (task.environment !== undefined) setUserEnvironment(task.environment);
  const found = await scanRange({ source: await sourceFor(task.modulePath, task.tokenProviderPath, task.backendPath), runs: task.runs, seed: task.seed, pins: task.pins }, tally);
  // Until the pool hands this worker its next chunk, it waits: not blocked, however long.
  signalIdle();
  return { seed: task.seed, runs: task.runs, failure: found, coverage: tally.export() };
}
