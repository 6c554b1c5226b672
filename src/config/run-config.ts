import type { TimeAndRandom } from '../providers/nondeterminism.ts';
import { defaultOrigin } from './origin.ts';
import type { AuthSettings, ClockSettings, FaultPlan, KeyStoreConsistency } from './fault-plan.ts';

/** A latency distribution: uniform in [minMs, maxMs], and with `tailProbability` a draw up to `tailMaxMs`. */
export interface LatencyModel {
  readonly minMs: number;
  readonly maxMs: number;
  readonly tailProbability: number;
  readonly tailMaxMs: number;
}

/** The fully resolved world of one run: everything that, with the seed, decides what happens. */
export interface RunConfig {
  readonly seed: number;
  readonly strategy: StrategyName;
  /** PCT's bug depth d: d − 1 priority change points per run. */
  readonly pctDepth: number;
  /** PCT's estimate k of the steps in a run, over which the change points are spread. */
  readonly pctStepsEstimate: number;
  readonly clients: number;
  readonly documents: number;
  /** Client arrivals are spread over [0, arrivalSpreadMs]. */
  readonly arrivalSpreadMs: number;
  /** Chance that a client arrives in the very millisecond of the one before it. */
  readonly arrivalCoincidence: number;
  /** Exact arrival times per client, for scripted scenarios; when set, the spread is not drawn from. */
  readonly arrivalTimesMs?: readonly number[];
  readonly network: LatencyModel;
  readonly keyStore: LatencyModel;
  /** A provider call that has not settled after this long is abandoned as a timeout. */
  readonly providerTimeoutMs: number;
  /** How many times a client calls its provider for one step before it gives up. */
  readonly providerAttemptsMax: number;
  /** Backoff before the first retry; it doubles on every further retry. */
  readonly retryBackoffMs: number;
  /** Every client must be collaborating this long after the later of the last arrival and the fault phase's end. */
  readonly livenessBoundMs: number;
  /** The quiet period before the second retention probe ("old keys cannot be discarded immediately"). */
  readonly quietPeriodMs: number;
  /** The wall-clock time at virtual time zero, ms since the epoch. */
  readonly epochMs: number;
  readonly eventsMax: number;
  readonly virtualTimeMsMax: number;
  /** The faults of the run; absent: none. */
  readonly faults?: FaultPlan;
  /** Clock skew and drift bounds; absent: every clock agrees. */
  readonly clocks?: ClockSettings;
  /** Key-store read consistency; absent: strong. */
  readonly keyStoreConsistency?: KeyStoreConsistency;
  /** How long the server keeps a session whose creator disconnected before it tells the others to start over. */
  readonly pendingSessionTimeoutMs?: number;
  /** Session encryption: symbolic (the fast default) or real WebCrypto. */
  readonly crypto?: 'symbolic' | 'real';
  /**
   * What a provider's `Date.now()`, `new Date()`, `performance.now()` and `Math.random()` do: answered from the
   * simulation and reported as nondeterminism (absent or `report`), or answered silently (`route`).
   */
  readonly timeAndRandom?: TimeAndRandom;
  /** JWT authentication of every connection; absent: none. */
  readonly auth?: AuthSettings;
  /** The origin every browser's page is served from (see origin.ts); absent: `defaultOrigin`. */
  readonly origin?: string;
}

/** The scheduling strategies a run can use. */
export type StrategyName = 'random' | 'pct' | 'timed';

/** The strategies, for argument checking. */
export const strategyNames: readonly StrategyName[] = ['random', 'pct', 'timed'];

/** Fields a user may pin; the rest are drawn per seed by the swarm. */
export type ConfigPins = Partial<Omit<RunConfig, 'seed'>>;

/** Pins, plus the ranges the swarm draws within when a field is not pinned. */
export type SwarmSettings = ConfigPins & {
  /** When `clients` is not pinned, each seed draws its client count in [clientsMin, clientsMax]. */
  readonly clientsMin?: number;
  readonly clientsMax?: number;
  /** How often seeds draw a fault plan when `faults` is not pinned (default: half of them). */
  readonly faultMode?: FaultMode;
};

/** How often the swarm injects faults. */
export type FaultMode = 'always' | 'sometimes' | 'never';

/** Settings that the swarm does not vary: limits and protocol timings. */
export const fixedDefaults = {
  clients: 3,
  documents: 1,
  providerTimeoutMs: 10_000,
  providerAttemptsMax: 4,
  retryBackoffMs: 1_000,
  // Covers the slowest recovery the swarm can draw after the fault phase: a 60 s reconnect, a 30 s key-store
  // timeout and its retry, and a join flow of eight messages on 5 s tails.
  livenessBoundMs: 300_000,
  quietPeriodMs: 6 * 60 * 60 * 1000,
  epochMs: Date.UTC(2026, 0, 1),
  eventsMax: 50_000,
  virtualTimeMsMax: 48 * 60 * 60 * 1000,
  origin: defaultOrigin,
} as const satisfies Partial<RunConfig>;
