import { createCheckers } from './check/checkers.ts';
import { describeFinding } from './check/describe-violation.ts';
import type { Checker, PropertyName, Violation } from './check/violation.ts';
import type { RunConfig } from './config/run-config.ts';
import { createStrategy } from './explore/strategies.ts';
import { runLoop, type LoopEnd, type LoopOptions } from './kernel/run-loop.ts';
import type { Strategy } from './kernel/strategy.ts';
import type { Observation, TraceRecord } from './model/observations.ts';
import { World } from './world/world.ts';
import type { ProviderSource, RunHooks } from './providers/source.ts';
import { describeThrown } from './errors.ts';
import { signalBeat, signalHostTurn, signalIdle, signalPrepare, signalRun } from './supervisor-signal.ts';
import type { Registry } from './config/registry.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How one run ended. */
export type RunOutcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'violation'; readonly violation: Violation }
  | { readonly kind: 'limit'; readonly limit: 'events' | 'virtual-time'; readonly message: string }
  /** The strategy dropped the run as redundant (exhaustive search with sleep sets). */
  | { readonly kind: 'abandoned' };

/** One run: its resolved world, how it ended, and (when recorded) its trace and decisions. */
export interface SimulationResult {
  readonly config: RunConfig;
  readonly outcome: RunOutcome;
  readonly steps: number;
  readonly endTimeMs: number;
  readonly trace: readonly TraceRecord[] | undefined;
  /** The key of the event chosen at every step: the run's decision log. */
  readonly decisions: readonly string[] | undefined;
}

/** What to simulate. */
export interface SimulateOptions {
  readonly config: RunConfig;
  readonly source: ProviderSource;
  /** Keep the full trace and decision log (replays, reports); sweeps leave it off for speed. */
  readonly record?: boolean;
  /** Overrides the strategy the configuration names (exploration, replay). */
  readonly strategy?: Strategy;
  /** Wraps whichever strategy runs, to observe its choices (shrinking notes the default ones). */
  readonly wrapStrategy?: (strategy: Strategy) => Strategy;
  /** Check only these properties (default: all). */
  readonly properties?: readonly PropertyName[];
  /** The components whose fault verbs the world runs (default: the built-in ones). */
  readonly registry?: Registry;
}

/** Runs one seeded schedule of the race; checkers observe every record as it happens. */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const { config, source } = options;
  const hooks = source.hooks;
  if (hooks === undefined) return simulateOnce(options);
  await runHook(hooks.beforeRun, 'beforeRun', config.seed);
  let result: SimulationResult;
  try {
    result = await simulateOnce(options);
  } finally {
    await runHook(hooks.afterRun, 'afterRun', config.seed);
  }
  return result;
}

/** How long a per-run hook may take, in real time, before the sweep stops with an error naming it. */
export const runHookTimeoutMs = 60_000;

// A hook is the user's harness code, outside the simulated world: it runs on the host's own time, bounded.
async function runHook(hook: RunHooks['beforeRun'], name: string, seed: number): Promise<void> {
  if (hook === undefined) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Error(`rtc-sim: the ${name} hook did not settle within ${runHookTimeoutMs / 1000} s (seed ${seed})`);
  const bounded = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut), runHookTimeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => hook({ seed })), bounded]);
  } catch (error) {
    if (error === timedOut) throw error;
    throw new Error(`rtc-sim: the ${name} hook threw (seed ${seed}): ${describeThrown(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

async function simulateOnce(options: SimulateOptions): Promise<SimulationResult> {
  const { config, source } = options;
  const withBackend = source.backend !== undefined;
  if (withBackend) signalPrepare(config.seed);
  else signalRun(config.seed);
  const trace: TraceRecord[] | undefined = options.record ? [] : undefined;
  const decisions: string[] | undefined = options.record ? [] : undefined;
  const checkers = createCheckers(options.properties, config.auth !== undefined);
  // Each record goes to the checkers that read its kind (in their reporting order), not to every checker.
  const checkersByKind = new Map<TraceRecord['kind'], Checker[]>();
  for (const checker of checkers) {
    for (const kind of checker.kinds) {
      const readers = checkersByKind.get(kind);
      if (readers === undefined) checkersByKind.set(kind, [checker]);
      else readers.push(checker);
    }
  }
  // Steps are numbered from 0, as the decision log and the strategies number them: a record is stamped with
  // the step whose event made it (records made before the first decision, if any, with 0 too).
  let step = 0;
  let decisionsTaken = 0;
  let violation: Violation | undefined;
  const emit = (observation: Observation): void => {
    // Every observation is a fresh literal at its call site: stamping it in place saves a copy per record.
    const record = observation as Mutable<TraceRecord>;
    record.step = step;
    record.timeMs = world.queue.nowMsUnobserved;
    trace?.push(record);
    if (violation !== undefined) return;
    const readers = checkersByKind.get(record.kind);
    if (readers === undefined) return;
    for (const checker of readers) {
      const finding = checker.observe(record);
      if (finding !== undefined) {
        const recordIndex = trace === undefined ? {} : { recordIndex: trace.length - 1 };
        violation = { ...finding, property: checker.property, message: describeFinding(finding), actor: record.actor, step, timeMs: record.timeMs, ...recordIndex };
        return;
      }
    }
  };
  const world = new World(config, source, emit, trace === undefined ? (kind) => checkersByKind.has(kind) : () => true, options.registry);
  await world.prepare();
  if (withBackend) signalRun(config.seed, true);
  world.start();
  const strategy = options.strategy ?? createStrategy(config, world.streams);
  const loop: LoopOptions = {
    queue: world.queue,
    strategy: options.wrapStrategy === undefined ? strategy : options.wrapStrategy(strategy),
    settle: () => settleWorld(world),
    isHalted: () => violation !== undefined || world.done,
    eventsMax: config.eventsMax,
    virtualTimeMsMax: config.virtualTimeMsMax,
    onDecision: (event) => {
      step = decisionsTaken++;
      if ((decisionsTaken & 255) === 0) signalBeat();
      signalHostTurn(event.actor);
      decisions?.push(event.key);
    },
  };
  let end: LoopEnd;
  try {
    end = await runLoop(loop);
  } finally {
    // What the caller does next (compare traces, shrink, print) is not this run, however long it takes.
    signalIdle();
  }
  // Whether a stalled world breaks a property is the liveness checker's to say, like everything else.
  if (end.kind === 'quiescent') world.reportStalled();
  world.closed = true;
  return { config, outcome: outcomeOf(end, violation, config), steps: end.steps, endTimeMs: world.queue.nowMsUnobserved, trace, decisions };
}

/**
 * User code's reactions first; then the model's own queued work, whose continuations may touch user code
 * again — the loop calls this until it returns undefined. After real host work, one full host turn lets
 * host-side continuations finish (they may resolve promises user code awaits), and the sandbox is then
 * marked for draining, since reactions queued from the host side do not mark it themselves.
 */
function settleWorld(world: World): Promise<void> | undefined {
  const realms = world.realms();
  const settleUserCode = (): Promise<void> | undefined => {
    for (const realm of realms) {
      const settling = realm.settle();
      if (settling !== undefined) return settling;
    }
    return undefined;
  };
  const userCode = settleUserCode();
  if (userCode !== undefined) return userCode;
  const hostWork = world.hostWork.drain();
  // A host serving a request may wait on the host's own event loop (see BackendNode): it asks for turns while they help.
  if (hostWork === undefined) return settleUserCode() ?? world.hosts.hostTurn();
  return hostWork
    .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
    .then(() => {
      for (const realm of realms) realm.touch();
    });
}

function outcomeOf(end: LoopEnd, violation: Violation | undefined, config: RunConfig): RunOutcome {
  if (violation !== undefined) return { kind: 'violation', violation };
  if (end.kind === 'abandoned') return { kind: 'abandoned' };
  if (end.kind === 'limit') {
    const bound = end.limit === 'events' ? `${config.eventsMax} events` : `${config.virtualTimeMsMax} ms of virtual time`;
    return { kind: 'limit', limit: end.limit, message: `the run hit its bound of ${bound} before it finished` };
  }
  return { kind: 'pass' };
}
