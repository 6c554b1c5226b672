import type { z } from 'zod';
import type { configPinsSchema, latencyModelSchema, runConfigSchema } from './config-schema.ts';
import { strategyNames as strategyNameList, type balancerPolicies } from './schema-parts.ts';
import { defaultOrigin } from './origin.ts';

/** A latency distribution: uniform in [minMs, maxMs], and with `tailProbability` a draw up to `tailMaxMs`. */
export type LatencyModel = z.infer<typeof latencyModelSchema>;

/** The fully resolved world of one run: everything that, with the seed, decides what happens (see its schema). */
export type RunConfig = z.infer<typeof runConfigSchema>;

/** How the load balancer picks a backend instance. */
export type BalancerPolicy = (typeof balancerPolicies)[number];

/** The scheduling strategies a run can use. */
export type StrategyName = (typeof strategyNameList)[number];

/** The strategies, for argument checking. */
export const strategyNames: readonly StrategyName[] = strategyNameList;

/** Fields a user may pin; the rest are drawn per seed by the swarm. */
export type ConfigPins = Readonly<z.infer<typeof configPinsSchema>>;

/** Pins, plus the ranges the swarm draws within when a field is not pinned. */
export type SwarmSettings = ConfigPins & {
  /** When `clients` is not pinned, each seed draws its client count in [clientsMin, clientsMax]. */
  readonly clientsMin?: number;
  readonly clientsMax?: number;
  /** When `backendInstances` is not pinned, each seed of a world with a backend draws its count in this range (default 1–3). */
  readonly backendInstancesMin?: number;
  readonly backendInstancesMax?: number;
  /** How often seeds draw a fault plan when `faults` is not pinned (default: half of them). */
  readonly faultMode?: FaultMode;
  /** The world has the integrator's backend (`--backend`): its faults are drawn too. */
  readonly withBackend?: boolean;
  /** The backend's database: a real PostgreSQL server (each seed draws its pool size, `databaseSessions`) or PGlite. */
  readonly backendDatabase?: 'postgres' | 'pglite';
  /** Why this machine runs PGlite instead of the real server (said in the assumptions line). */
  readonly backendDatabaseFallback?: string;
};

/** How often the swarm injects faults. */
export type FaultMode = 'always' | 'sometimes' | 'never';

const minuteMs = 60 * 1000;
const dayMs = 24 * 60 * minuteMs;

const yearMs = 365 * dayMs;

/**
 * When the retention probes reopen the documents: at once, 10 minutes, a day, a month, a year, and 2, 5 and 10
 * years later — documents live for years, and key policies (a cryptoperiod, a purge of old keys) bite then. A
 * quiet period is a jump of the clock, so a decade costs a few events, not a step per tick (see
 * src/model/browser/page-timers.ts for what a page's interval does across it).
 */
export const retentionHorizonsMsDefault: readonly number[] = [0, 10 * minuteMs, dayMs, 31 * dayMs, yearMs, 2 * yearMs, 5 * yearMs, 10 * yearMs];

/** The last retention horizon: how long after the race a pass promises that documents still open. */
export function lastHorizonMs(horizons: readonly number[]): number {
  return horizons.at(-1) ?? 0;
}

/** Settings that the swarm does not vary: limits and protocol timings. */
export const fixedDefaults = {
  clients: 3,
  providerTimeoutMs: 10_000,
  providerAttemptsMax: 4,
  retryBackoffMs: 1_000,
  // Covers the slowest recovery the swarm can draw after the fault phase: a 60 s reconnect, a 30 s key-store
  // timeout and its retry, and a join flow of eight messages on 5 s tails.
  livenessBoundMs: 300_000,
  retentionHorizonsMs: retentionHorizonsMsDefault,
  epochMs: Date.UTC(2026, 0, 1),
  eventsMax: 50_000,
  // The race's share of the virtual-time bound; the world's bound adds the last retention horizon to it
  // (drawConfig), so that a quiet year is an ordinary run, not a limit.
  virtualTimeMsMax: 48 * 60 * 60 * 1000,
  origin: defaultOrigin,
} as const satisfies Partial<RunConfig>;
