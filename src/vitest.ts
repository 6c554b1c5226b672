// rtc-sim for vitest: `checkProvider` sweeps an in-process provider factory, and importing this module
// registers the `toPass()` matcher:
//
//   import { checkProvider } from 'rtc-sim/vitest';
//   await expect(checkProvider(createProvider, { runs: 2000 })).resolves.toPass();
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { pinsAsFlags } from './cli/options.ts';
import { insecureOriginError } from './config/origin.ts';
import type { SwarmSettings } from './config/run-config.ts';
import { prepareCounterexample } from './explore/counterexample.ts';
import { writeDecisionFile } from './explore/decision-file.ts';
import { sweep, type FailureKind, type SweepReport } from './explore/sweep.ts';
import { sourceFromFactory } from './providers/source.ts';
import type { CreateProvider } from './providers/types.ts';
import { describeNearestPass } from './report/nearest-pass-text.ts';
import { findNearestPass } from './report/nearest-pass.ts';
import { renderTimeline } from './report/timeline.ts';

/** How `checkProvider` sweeps. */
export interface CheckProviderOptions {
  /** Schedules to run (default 2,000). */
  readonly runs?: number;
  /** Seed of the first run (default 1); run i uses seed + i. */
  readonly seed?: number;
  /** Configuration fields to pin, as `check --config` takes them (e.g. `{ clients: 5 }`). */
  readonly pins?: SwarmSettings;
  /** What to call the provider in messages and the decision file's name (default `createProvider`). */
  readonly name?: string;
  /** Shrink a failing run before reporting it (default true). */
  readonly shrink?: boolean;
  /** Where the failing run's decision file is written (default `rtc-sim-failures`, from the working directory). */
  readonly failuresDir?: string;
  /**
   * The origin the browsers' pages are served from (default https://app.example). One that is not a secure
   * context (plain http other than localhost) rejects at once: every browser would stop before RTC starts.
   */
  readonly origin?: string;
}

/** A failure found by `checkProvider`, made ready for the assertion message. */
export interface ProviderCheckFailure {
  readonly property: FailureKind;
  readonly message: string;
  /** The failing run's seed: with the same pins, `replay --seed` reruns it once the provider is a module. */
  readonly seed: number;
  readonly strategy: string;
  /** The shrunk run's decision file. */
  readonly decisionFile: string;
  /** The shrunk run, one line per record. */
  readonly timeline: string;
  /** The nearest passing run, in words. */
  readonly nearestPass: readonly string[];
}

/** What `checkProvider` resolves to; `expect(…).resolves.toPass()` reads it. */
export interface ProviderCheckResult {
  readonly verdict: 'pass' | 'fail';
  readonly name: string;
  readonly runs: number;
  readonly seed: number;
  readonly pins: SwarmSettings;
  readonly report: SweepReport;
  readonly failure: ProviderCheckFailure | undefined;
}

/** Sweeps seeded schedules against an in-process `createProvider(env)`; on failure shrinks and saves the run. */
export async function checkProvider(createProvider: CreateProvider, options: CheckProviderOptions = {}): Promise<ProviderCheckResult> {
  const name = options.name ?? 'createProvider';
  const pins = options.origin === undefined ? (options.pins ?? {}) : { ...options.pins, origin: options.origin };
  const insecure = insecureOriginError(pins.origin);
  if (insecure !== undefined) throw new Error(`rtc-sim: ${insecure.message}`);
  const source = sourceFromFactory(createProvider, name);
  const report = await sweep({ source, runs: options.runs ?? 2000, seed: options.seed ?? 1, pins });
  const base = { name, runs: report.runs, seed: report.seed, pins, report };
  const found = report.failure;
  if (found === undefined) return { verdict: 'pass', ...base, failure: undefined };
  const strategy = found.config.strategy === 'pct' ? `pct (depth ${found.config.pctDepth})` : found.config.strategy;
  const parts = { module: name, property: found.property, message: found.message, seed: found.seed, config: found.config, decisions: found.replayed.decisions ?? [] };
  const counterexample = await prepareCounterexample(source, parts, options.shrink ?? true);
  const decisionFile = writeDecisionFile(resolve(options.failuresDir ?? 'rtc-sim-failures'), counterexample.file);
  const defaults = counterexample.file.decisions.map((decision) => (decision.chosen === 'default' ? null : decision.event));
  const nearest = await findNearestPass({ source, config: counterexample.file.config, decisions: defaults });
  const { trace = [], outcome } = counterexample.result;
  return {
    verdict: 'fail',
    ...base,
    failure: { property: found.property, message: found.message, seed: found.seed, strategy, decisionFile, timeline: renderTimeline(trace, outcome), nearestPass: describeNearestPass(nearest) },
  };
}

/** The failure as an assertion message: property, message, the shrunk run, and how to reproduce it. */
export function describeProviderCheck(result: ProviderCheckResult): string {
  const { failure } = result;
  if (failure === undefined) return `${result.name} passed ${result.runs} runs (seeds ${result.seed}…${result.seed + result.runs - 1}): every property held`;
  const flags = pinsAsFlags(result.pins);
  const pinsText = flags === '' ? 'no pins' : `pins ${flags}`;
  return [
    `expected ${result.name} to keep every property, but ${failure.property} broke after ${result.runs} runs (seed ${failure.seed}, found by ${failure.strategy}):`,
    `  ${failure.message}`,
    '',
    'the shrunk run:',
    failure.timeline,
    '',
    ...failure.nearestPass,
    '',
    `reproduce: failing seed ${failure.seed} with ${pinsText}. ${result.name} was passed in-process, so no replay line can name its module;`,
    `move it to a module (export function createProvider(env) { … }) and run, with that module's path:`,
    `  npx rtc-sim replay --seed ${failure.seed}${flags === '' ? '' : ` ${flags}`} path/to/provider.ts`,
    `  npx rtc-sim replay --file ${failure.decisionFile} path/to/provider.ts   (the shrunk run, saved)`,
  ].join('\n');
}

/** Whether a value is what `checkProvider` resolves to. */
function isProviderCheckResult(value: unknown): value is ProviderCheckResult {
  return typeof value === 'object' && value !== null && 'verdict' in value && 'report' in value && 'name' in value;
}

expect.extend({
  toPass(received: unknown) {
    if (!isProviderCheckResult(received)) {
      return { pass: false, message: () => 'toPass() expects what checkProvider(…) resolves to: await expect(checkProvider(createProvider)).resolves.toPass()' };
    }
    return {
      pass: received.verdict === 'pass',
      message: () => (received.verdict === 'pass' ? `expected ${received.name} to fail, but it ${describeProviderCheck(received).replace(`${received.name} `, '')}` : describeProviderCheck(received)),
    };
  },
});

/** The matcher `toPass()` adds to vitest's `expect`. */
interface ProviderMatchers<Result = unknown> {
  /** Passes when every schedule `checkProvider` ran kept every property; the message shows the failure. */
  toPass(): Result;
}

declare module 'vitest' {
  // vitest declares `Matchers<T = any>`; a merged declaration must repeat its type parameter exactly.
  interface Matchers<T = any> extends ProviderMatchers<T> {}
}
