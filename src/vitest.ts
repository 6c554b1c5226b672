// rtc-sim for vitest: `checkProvider` sweeps an in-process provider factory, and importing this module
// registers the `toPass()` matcher:
//
//   import { checkProvider } from 'rtc-sim/vitest';
//   it('…', { timeout: 120_000 }, async () => {
//     await expect(checkProvider(createProvider, { runs: 2000 })).resolves.toPass();
//   });
//
// A sweep of 2,000 runs takes seconds to a minute (a stack with a backend longer): longer than vitest's
// 5-second default test timeout, so give the test its own (as above) or set testTimeout in vitest's config.
import { relative, resolve } from 'node:path';
import { expect } from 'vitest';
import { z } from 'zod';
import { keyStoreConsistency, pinsAsFlags, shellWord } from './cli/options.ts';
import { insecureOriginError } from './config/origin.ts';
import type { SwarmSettings } from './config/run-config.ts';
import { sweep, type FailureKind, type SweepReport } from './explore/sweep.ts';
import { OptionsError, parseOptions, swarmSettingsSchema } from './options-schema.ts';
import { loadProviderSource } from './load-provider-source.ts';
import { settingsFor, sourceFromFactory, withRunHooks, type ProviderSource } from './providers/source.ts';
import type { CreateProvider } from './providers/types.ts';
import { assumptionsLine } from './report/assumptions.ts';
import { foundInSweep, runFailurePipeline } from './explore/failure-pipeline.ts';
import { nearestPassLines, shownRunLines } from './report/failure-text.ts';
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
  /**
   * The key store's consistency, as `check --consistency` takes it: `strong` (default), `eventual` or
   * `eventual:lagMs` (reads from a replica lagging writes by lagMs, default 500). Pins `keyStoreConsistency`.
   */
  readonly consistency?: string;
  /**
   * Your backend module's path (as `check --backend` takes it): it exports `createBackend(env)` returning
   * your HTTP handler or app; the provider's `fetch` reaches it over the simulated network, each statement of
   * its database a scheduled event. Relative paths resolve from the working directory. The provider must
   * then be given as a module path too (its `fetch` runs in the simulated page, not in your test process).
   */
  readonly backend?: string;
  /**
   * Called before every run (sweep, shrinking, self-check alike): reset here whatever you wired in-process —
   * an in-memory table your factory closes over — so that no run sees another's rows.
   */
  readonly beforeRun?: (run: { readonly seed: number }) => void | PromiseLike<void>;
  /** Called after every run, whatever its outcome. */
  readonly afterRun?: (run: { readonly seed: number }) => void | PromiseLike<void>;
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
  /** Which run the timeline shows (the failing seed as found, or shrunk) and what each broke. */
  readonly shownRun: readonly string[];
}

/** What `checkProvider` resolves to; `expect(…).resolves.toPass()` reads it. */
export interface ProviderCheckResult {
  readonly verdict: 'pass' | 'fail';
  readonly name: string;
  /** The provider module's path as given, when the provider was given as a module (absent: in-process). */
  readonly module?: string;
  /** The backend module's path as given, when there was one. */
  readonly backend?: string;
  readonly runs: number;
  readonly seed: number;
  readonly pins: SwarmSettings;
  readonly report: SweepReport;
  readonly failure: ProviderCheckFailure | undefined;
  /** What the sweep assumed of the deployment, as `check` prints it after `assumed:`. */
  readonly assumptions: string;
}

/** The schema of `CheckProviderOptions`: `pins` are checked as a `--config` file is, plus the swarm ranges. */
const checkProviderOptionsSchema = z
  .object({
    runs: z.number().int().min(1).max(100_000_000),
    seed: z.number().int().min(0).max(2 ** 32),
    pins: swarmSettingsSchema,
    name: z.string().min(1),
    shrink: z.boolean(),
    failuresDir: z.string().min(1),
    origin: swarmSettingsSchema.shape.origin,
    consistency: z.string().superRefine((value, context) => {
      const parsed = keyStoreConsistency(value);
      if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.problem });
    }),
    backend: z.string().min(1),
    beforeRun: z.custom<NonNullable<CheckProviderOptions['beforeRun']>>((value) => typeof value === 'function', 'expected a function'),
    afterRun: z.custom<NonNullable<CheckProviderOptions['afterRun']>>((value) => typeof value === 'function', 'expected a function'),
  })
  .partial()
  .strict();

/**
 * Sweeps seeded schedules against an in-process `createProvider(env)`, or a provider module given by its path
 * (loaded as `check` loads it; the form a stack needs, with `backend`); on failure shrinks and saves the run.
 * Options are checked first: a wrong field throws an `OptionsError` naming it and the valid ones.
 */
export async function checkProvider(provider: CreateProvider | string, options: CheckProviderOptions = {}): Promise<ProviderCheckResult> {
  const checked = parseOptions(checkProviderOptionsSchema, options, 'checkProvider options') as CheckProviderOptions;
  const name = checked.name ?? (typeof provider === 'string' ? provider : 'createProvider');
  const consistency = checked.consistency === undefined ? undefined : keyStoreConsistency(checked.consistency);
  const pins = {
    ...checked.pins,
    ...(checked.origin === undefined ? {} : { origin: checked.origin }),
    ...(consistency?.ok === true ? { keyStoreConsistency: consistency.value } : {}),
  };
  const insecure = insecureOriginError(pins.origin);
  if (insecure !== undefined) throw new Error(`rtc-sim: ${insecure.message}`);
  refuseRacelessPins(pins);
  warnAboutFewRuns(checked.runs ?? 2000);
  const source = await sourceOf(provider, name, checked);
  const report = await sweep({ source, runs: checked.runs ?? 2000, seed: checked.seed ?? 1, pins });
  const modules = { ...(typeof provider === 'string' ? { module: provider } : {}), ...(checked.backend === undefined ? {} : { backend: checked.backend }) };
  const base = { name, ...modules, runs: report.runs, seed: report.seed, pins, report, assumptions: assumptionsLine(settingsFor(pins, source)) };
  if (report.failure === undefined) return made({ verdict: 'pass', ...base, failure: undefined });
  // The decision file names the modules as given, so that `replay --file` finds them from the same folder.
  const failure = await runFailurePipeline(foundInSweep(report.failure), {
    source,
    module: typeof provider === 'string' ? provider : name,
    ...(checked.backend === undefined ? {} : { backend: checked.backend }),
    shrink: checked.shrink ?? true,
    failuresDir: resolve(checked.failuresDir ?? 'rtc-sim-failures'),
  });
  const { trace = [], outcome } = failure.counterexample.result;
  return made({
    verdict: 'fail',
    ...base,
    failure: {
      property: failure.property,
      message: failure.message,
      seed: failure.seed,
      strategy: failure.strategy,
      decisionFile: failure.filePath ?? '',
      timeline: renderTimeline(trace, outcome),
      nearestPass: nearestPassLines(failure),
      shownRun: shownRunLines(failure),
    },
  });
}

// Results checkProvider made: toPass() accepts nothing else (an object that merely says `verdict: 'pass'`).
const madeByCheckProvider = new WeakSet<object>();

function made(result: ProviderCheckResult): ProviderCheckResult {
  madeByCheckProvider.add(result);
  return result;
}

/** One browser cannot race another: a check pinned to one client passes whatever the provider does. */
function refuseRacelessPins(pins: SwarmSettings): void {
  const clientsMax = pins.clients ?? pins.clientsMax;
  if (clientsMax !== undefined && clientsMax < 2) {
    throw new OptionsError(`invalid checkProvider options: pins allow ${clientsMax} client per run, and the create-session race needs two or more browsers: such a check passes whatever the provider does. Pin clients (or clientsMax) to 2 or more, or leave it to the swarm (2-5)`);
  }
}

/** Below this many runs a sweep rarely meets the race: said loudly, since a pass then means little. */
const runsWarnedBelow = 50;

function warnAboutFewRuns(runs: number): void {
  if (runs >= runsWarnedBelow) return;
  process.emitWarning(`checkProvider runs ${runs} schedule${runs === 1 ? '' : 's'}: the create-session race needs rare interleavings, and a pass over fewer than ${runsWarnedBelow} says little (the default is 2,000)`, { code: 'RTC_SIM_FEW_RUNS' });
}

// The provider (a module path, loaded as the CLI loads it, or an in-process factory) as a source, with the
// backend module and the per-run hooks, if given.
async function sourceOf(provider: CreateProvider | string, name: string, options: CheckProviderOptions): Promise<ProviderSource> {
  let source: ProviderSource;
  if (typeof provider === 'string') {
    const loaded = await loadProviderSource(resolve(provider), undefined, options.backend === undefined ? undefined : resolve(options.backend));
    if (!loaded.ok) throw new Error(`rtc-sim: ${loaded.error.message}`);
    source = loaded.value;
  } else {
    // A factory runs in this process, where `fetch` is the real one: it cannot reach a simulated backend.
    if (options.backend !== undefined) {
      throw new OptionsError('invalid checkProvider options: backend: a provider that fetches from your backend runs in the simulated page; pass it as a module path, checkProvider("src/rtc-provider.ts", { backend: … }), not as a function');
    }
    source = sourceFromFactory(provider, name);
  }
  if (options.beforeRun !== undefined || options.afterRun !== undefined) {
    source = withRunHooks(source, { ...(options.beforeRun === undefined ? {} : { beforeRun: options.beforeRun }), ...(options.afterRun === undefined ? {} : { afterRun: options.afterRun }) });
  }
  return source;
}

/** The failure as an assertion message: property, message, the shrunk run, and how to reproduce it. */
export function describeProviderCheck(result: ProviderCheckResult): string {
  const { failure } = result;
  if (failure === undefined) return `${result.name} passed ${result.runs} runs (seeds ${result.seed}…${result.seed + result.runs - 1}): every property held`;
  return [
    `expected ${result.name} to keep every property, but ${failure.property} broke after ${result.runs} runs (seed ${failure.seed}, found by ${failure.strategy})`,
    ...failure.shownRun,
    '',
    failure.timeline,
    '',
    ...failure.nearestPass,
    '',
    ...reproduceLines(result, failure),
  ].join('\n');
}

// A module (and its backend) can be named in a replay line; an in-process factory cannot.
function reproduceLines(result: ProviderCheckResult, failure: ProviderCheckFailure): string[] {
  const flags = pinsAsFlags(result.pins, undefined, result.backend === undefined ? {} : { backend: result.backend });
  const withFlags = flags === '' ? '' : ` ${flags}`;
  const decisionFile = shellWord(relativeOrAbsolute(failure.decisionFile));
  if (result.module !== undefined) {
    return [
      `reproduce: npx rtc-sim replay --seed ${failure.seed}${withFlags} ${shellWord(result.module)}`,
      `  the shrunk run, saved: npx rtc-sim replay --file ${decisionFile}`,
    ];
  }
  const pinsText = flags === '' ? 'no pins' : `pins ${flags}`;
  return [
    `reproduce: failing seed ${failure.seed} with ${pinsText}. ${result.name} was passed in-process, so no replay line can name its module;`,
    `move it to a module (export function createProvider(env) { … }) and run, with that module's path:`,
    `  npx rtc-sim replay --seed ${failure.seed}${withFlags} path/to/provider.ts`,
    `  npx rtc-sim replay --file ${decisionFile} path/to/provider.ts   (the shrunk run, saved)`,
  ];
}

function relativeOrAbsolute(path: string): string {
  const near = relative(process.cwd(), path);
  return near === '' || near.startsWith('..') ? path : near;
}

/** Whether a value is what `checkProvider` resolved to (made by it, not merely shaped like it). */
function isProviderCheckResult(value: unknown): value is ProviderCheckResult {
  return typeof value === 'object' && value !== null && madeByCheckProvider.has(value);
}

expect.extend({
  toPass(received: unknown) {
    if (!isProviderCheckResult(received)) {
      return { pass: false, message: () => 'toPass() expects what checkProvider(…) resolves to, unchanged: await expect(checkProvider(createProvider)).resolves.toPass()' };
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
