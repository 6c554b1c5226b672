import type { SwarmSettings } from '../config/run-config.ts';
import { loadProviderModule } from '../providers/loader.ts';
import { sourceFromModule, type ProviderSource } from '../providers/source.ts';
import type { RunOutcome } from '../simulate.ts';
import { CoverageTally, type ExportedTally } from './coverage.ts';
import { scanRange } from './sweep.ts';

/** One slice of a sweep, as a worker receives it: plain data only. */
export interface ChunkTask {
  readonly modulePath: string;
  readonly seed: number;
  readonly runs: number;
  readonly pins: SwarmSettings;
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

function sourceFor(modulePath: string): Promise<ProviderSource> {
  let source = sources.get(modulePath);
  if (source === undefined) {
    source = loadProviderModule(modulePath).then((compiled) => {
      if (!compiled.ok) throw new Error(compiled.error.message);
      return sourceFromModule(compiled.value);
    });
    sources.set(modulePath, source);
  }
  return source;
}

/** Runs one slice of seeds and reports its first failure; the default export a pool worker calls. */
export async function runChunk(task: ChunkTask): Promise<ChunkResult> {
  const tally = new CoverageTally();
  const found = await scanRange({ source: await sourceFor(task.modulePath), runs: task.runs, seed: task.seed, pins: task.pins }, tally);
  return { seed: task.seed, runs: task.runs, failure: found, coverage: tally.export() };
}
