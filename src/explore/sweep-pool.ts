import { pathToFileURL } from 'node:url';
import Tinypool from 'tinypool';
import { bundleEntry } from '../../bin/self-bundle.mjs';
import { packageRoot, runsFromSources } from '../package-root.ts';
import type { ChunkResult, ChunkTask } from './sweep-chunk.ts';

/** A pool of sweep threads: each runs a slice of seeds (`ChunkTask`) and answers its first failure. */
export interface SweepPool {
  run(task: ChunkTask): Promise<ChunkResult>;
  destroy(): Promise<void>;
}

/** Starts `threads` pool threads that sweep chunks (each loads a module once and keeps it). */
export async function startSweepPool(threads: number): Promise<SweepPool> {
  const pool = new Tinypool({ filename: await workerEntry(), minThreads: threads, maxThreads: threads });
  return {
    run: (task) => pool.run(task) as Promise<ChunkResult>,
    destroy: () => pool.destroy(),
  };
}

let bundledWorker: Promise<string | undefined> | undefined;

/**
 * The workers' entry: the compiled one of an installed package; from sources, a plain-JavaScript bundle built
 * once per process, else the tsx-loading fallback.
 */
async function workerEntry(): Promise<string> {
  if (!runsFromSources) return pathToFileURL(`${packageRoot}dist/explore/sweep-worker-entry.js`).href;
  bundledWorker ??= bundleEntry('src/explore/sweep-worker-entry.ts');
  const bundle = await bundledWorker;
  return pathToFileURL(bundle ?? `${packageRoot}src/explore/sweep-worker.mjs`).href;
}
