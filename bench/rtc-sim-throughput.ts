// Throughput of rtc-sim's own sweep on the bundled good store-backed dynamic provider.
import type { SwarmSettings } from '../src/config/run-config.ts';
import { drawConfig } from '../src/config/swarm.ts';
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromFactory, sourceFromModule, type ProviderSource } from '../src/providers/source.ts';
import { simulate } from '../src/simulate.ts';
import { createProvider } from '../examples/providers/good-store-backed-dynamic.ts';
import { packageRoot } from '../src/package-root.ts';
import { cpuMsSince } from './timing.ts';

/** The bundled good provider module that every rtc-sim measurement uses. */
export const goodProviderPath = `${packageRoot}examples/providers/good-store-backed-dynamic.ts`;

/** How the provider reaches rtc-sim: a compiled sandboxed module (the CLI path) or an in-process factory. */
export type SourceKind = 'module' | 'factory';

/** What one rtc-sim throughput measurement runs. */
export interface RtcSimOptions {
  readonly clients: number;
  readonly schedules: number;
  readonly seed: number;
  readonly sourceKind?: SourceKind;
  /** How many seeds `simulate()` is run on to estimate events per run. */
  readonly sampledRuns?: number;
  /** Another bundled provider module than the good store-backed one (module sources only). */
  readonly providerPath?: string;
  /** More pinned fields of the world (the equal world's); `clients` wins over a count in them. */
  readonly pins?: SwarmSettings;
}

/** What one rtc-sim throughput measurement found. */
export interface RtcSimResult {
  readonly schedules: number;
  readonly elapsedMs: number;
  /** CPU time of the process over the same stretch (bench/timing.ts). */
  readonly cpuMs: number;
  readonly verdict: 'pass' | 'fail';
  readonly failure: string | undefined;
  /** Mean `steps` of `simulate()` over the sampled seeds. */
  readonly eventsPerRun: number;
}

/** Builds a provider source for the good store-backed dynamic provider. */
export async function goodProviderSource(kind: SourceKind = 'module', path = goodProviderPath): Promise<ProviderSource> {
  if (kind === 'factory') return sourceFromFactory(createProvider, 'good-store-backed-dynamic (factory)');
  const loaded = await loadProviderModule(path);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return sourceFromModule(loaded.value);
}

/** Runs `schedules` seeds of the race through `sweep()` and times them; samples events per run with `simulate()`. */
export async function runRtcSim(options: RtcSimOptions): Promise<RtcSimResult> {
  const source = await goodProviderSource(options.sourceKind, options.providerPath);
  const pins = { ...options.pins, clients: options.clients };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await sweep({ source, runs: options.schedules, seed: options.seed, pins });
  const cpuMs = cpuMsSince(cpuBefore);
  const elapsedMs = performance.now() - started;
  const sampledRuns = Math.min(options.sampledRuns ?? 50, options.schedules);
  let steps = 0;
  for (let index = 0; index < sampledRuns; index++) {
    const result = await simulate({ config: drawConfig(options.seed + index, pins), source });
    steps += result.steps;
  }
  return {
    schedules: report.runs,
    elapsedMs,
    cpuMs,
    verdict: report.verdict,
    failure: report.failure === undefined ? undefined : `${report.failure.property} (seed ${report.failure.seed}): ${report.failure.message}`,
    eventsPerRun: sampledRuns === 0 ? 0 : steps / sampledRuns,
  };
}
