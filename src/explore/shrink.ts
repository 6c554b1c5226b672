import { exactClocks, noFaults } from '../config/fault-plan.ts';
import type { RunConfig } from '../config/run-config.ts';
import { fixedLatency } from '../config/swarm.ts';
import type { ProviderSource } from '../providers/source.ts';
import { simulate, type SimulationResult } from '../simulate.ts';
import { builtInRegistry } from '../config/components.ts';
import type { Registry } from '../config/registry.ts';
import { nonDefaultCount, notingDefaults } from './default-choices.ts';
import { replayStrategy } from './replay-strategy.ts';
import type { FailureKind } from './sweep.ts';

/** A failing run as shrinking sees it: its world and its decisions (null: the default choice). */
export interface Counterexample {
  readonly config: RunConfig;
  readonly decisions: readonly (string | null)[];
  readonly result: SimulationResult;
}

/** How big a counterexample is. */
export interface CounterexampleSize {
  readonly clients: number;
  readonly documents: number;
  /** Instances of the integrator's backend, in worlds with one. */
  readonly backendInstances?: number;
  /** Scheduled faults, plus one for key-store fault rates. */
  readonly faults: number;
  readonly steps: number;
  readonly nonDefaultDecisions: number;
}

/** The shrunk counterexample, how big it was and is, and how many runs shrinking took. */
export interface ShrinkReport {
  readonly shrunk: Counterexample;
  readonly before: CounterexampleSize;
  readonly after: CounterexampleSize;
  readonly attempts: number;
}

const researchSeeds = 40;

/**
 * Delta debugging over the world and the schedule together: fewer clients, fewer documents, simultaneous
 * arrivals, short fixed latencies, and fewer non-default decisions (ddmin over chunks), each kept only when
 * the run still breaks the same property. Every candidate is a replay by decision keys, so the shrunk run is
 * itself replayable byte for byte from its config and decisions.
 */
export async function shrink(source: ProviderSource, start: Counterexample, property: FailureKind, attemptsMax = 400, registry: Registry = builtInRegistry): Promise<ShrinkReport> {
  let current = start;
  let attempts = 0;
  const accept = (candidate: Counterexample): boolean => {
    if (!breaks(candidate.result, property) || sizeScore(candidate) >= sizeScore(current)) return false;
    current = candidate;
    return true;
  };
  const attempt = async (config: RunConfig, decisions: readonly (string | null)[]): Promise<boolean> => {
    if (attempts >= attemptsMax) return false;
    attempts++;
    // A turn of the event loop per attempt: Ctrl-C while shrinking is handled now, not once shrinking ends.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return accept(await replayCounterexample(source, config, decisions, registry));
  };
  // A smaller world rarely fails under the old decisions: try them, the default schedule, then a few seeds.
  const smallerWorld = async (config: RunConfig): Promise<boolean> => {
    if ((await attempt(config, current.decisions)) || (await attempt(config, []))) return true;
    for (let offset = 1; offset <= researchSeeds && attempts < attemptsMax; offset++) {
      attempts++;
      if (accept(await searchCounterexample(source, { ...config, seed: config.seed + offset }, registry))) return true;
    }
    return false;
  };
  for (let progress = true; progress && attempts < attemptsMax; ) {
    progress = false;
    for (let clients = 1; clients < current.config.clients && !progress; clients++) {
      progress = await smallerWorld({ ...current.config, clients, documents: Math.min(current.config.documents, clients), ...trimmedArrivals(current.config, clients), ...retargetedFaults(current.config, clients) });
    }
    for (const fewer of registry.fewerHosts(current.config)) if (!progress) progress = await smallerWorld(fewer);
    for (let documents = 1; documents < current.config.documents && !progress; documents++) {
      progress = await smallerWorld({ ...current.config, documents });
    }
    for (const simpler of simplerWorlds(current.config, registry)) if (!progress) progress = await attempt(simpler, current.decisions);
    if (!progress) progress = await fewerDecisions(current, attempt);
  }
  return { shrunk: current, before: sizeOf(start), after: sizeOf(current), attempts };
}

/** Runs a world with a decision list and notes which decisions it really took, cut at the violation. */
export async function replayCounterexample(source: ProviderSource, config: RunConfig, decisions: readonly (string | null)[], registry?: Registry): Promise<Counterexample> {
  const taken: (string | null)[] = [];
  const result = await simulate({ config, source, record: true, strategy: notingDefaults(replayStrategy(decisions), taken), ...(registry === undefined ? {} : { registry }) });
  return { config, decisions: taken, result };
}

/** Runs a world with its own strategy (a fresh seed's schedule) and notes its decisions. */
async function searchCounterexample(source: ProviderSource, config: RunConfig, registry: Registry): Promise<Counterexample> {
  const taken: (string | null)[] = [];
  const result = await simulate({ config, source, record: true, wrapStrategy: (strategy) => notingDefaults(strategy, taken), registry });
  return { config, decisions: taken, result };
}

/** The size of a counterexample. */
export function sizeOf(counterexample: Counterexample): CounterexampleSize {
  const plan = counterexample.config.faults;
  return {
    clients: counterexample.config.clients,
    documents: counterexample.config.documents,
    ...(counterexample.config.backendInstances === undefined ? {} : { backendInstances: counterexample.config.backendInstances }),
    faults: plan === undefined ? 0 : plan.events.length + (plan.keyStoreFailureRate + plan.keyStoreTimeoutRate > 0 ? 1 : 0),
    steps: counterexample.result.steps,
    nonDefaultDecisions: nonDefaultCount(counterexample.decisions),
  };
}

function sizeScore(counterexample: Counterexample): number {
  const size = sizeOf(counterexample);
  // Clients dominate, then backend instances, then documents, then faults, then non-default decisions, then events; latencies and
  // clock skew break ties.
  const { config } = counterexample;
  const latency = config.network.maxMs + config.keyStore.maxMs + config.arrivalSpreadMs + (config.clocks?.skewMsMax ?? 0);
  return size.clients * 1e14 + (size.backendInstances ?? 1) * 1e13 + size.documents * 1e12 + size.faults * 1e10 + size.nonDefaultDecisions * 1e7 + size.steps * 1e3 + Math.min(latency, 999);
}

function breaks(result: SimulationResult, property: FailureKind): boolean {
  if (result.outcome.kind === 'violation') return result.outcome.violation.property === property;
  return result.outcome.kind === 'limit' && property === 'limit';
}

function trimmedArrivals(config: RunConfig, clients: number): Partial<RunConfig> {
  return config.arrivalTimesMs === undefined ? {} : { arrivalTimesMs: config.arrivalTimesMs.slice(0, clients) };
}

// A fault on a client the smaller world no longer has would do nothing (dropping faults is tried on its own):
// it hits the client of the same number modulo the count instead — c5 of five becomes c1 of two — so that a
// failure that needs a crash of the winner, whoever wins, can shrink to one client.
function retargetedFaults(config: RunConfig, clients: number): Partial<RunConfig> {
  const plan = config.faults;
  if (plan === undefined) return {};
  const retarget = (client: string): string => `c${((Number(client.slice(1)) - 1) % clients) + 1}`;
  return { faults: { ...plan, events: plan.events.map((event) => ('client' in event ? { ...event, client: retarget(event.client) } : event)) } };
}

function simplerWorlds(config: RunConfig, registry: Registry): RunConfig[] {
  const worlds: RunConfig[] = [...fewerFaults(config, registry)];
  if (config.clocks !== undefined && (config.clocks.skewMsMax > 0 || config.clocks.driftPpmMax > 0)) worlds.push({ ...config, clocks: exactClocks });
  if (config.arrivalSpreadMs > 0 && config.arrivalTimesMs === undefined) worlds.push({ ...config, arrivalSpreadMs: 0 });
  if (config.network.maxMs > 1) worlds.push({ ...config, network: fixedLatency(1) });
  if (config.keyStore.maxMs > 1) worlds.push({ ...config, keyStore: fixedLatency(1) });
  // A race between two requests' statements needs no more than two sessions.
  if (config.databaseSessions !== undefined && config.databaseSessions > 2) worlds.push({ ...config, databaseSessions: 2 });
  return worlds;
}

// ddmin over the non-default decisions: try turning chunks of them into defaults, halving the chunk size.
async function fewerDecisions(current: Counterexample, attempt: (config: RunConfig, decisions: readonly (string | null)[]) => Promise<boolean>): Promise<boolean> {
  const positions = current.decisions.flatMap((decision, index) => (decision === null ? [] : [index]));
  for (let chunk = Math.max(1, Math.ceil(positions.length / 2)); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let start = 0; start < positions.length; start += chunk) {
      const cleared = new Set(positions.slice(start, start + chunk));
      const decisions = current.decisions.map((decision, index) => (cleared.has(index) ? null : decision));
      if (await attempt(current.config, decisions)) return true;
    }
  }
  return false;
}

// Fewer faults first (none at all, then one fewer at a time), then each component's own steps (the key store's:
// no fault rates).
function fewerFaults(config: RunConfig, registry: Registry): RunConfig[] {
  const plan = config.faults;
  if (plan === undefined || (plan.events.length === 0 && plan.keyStoreFailureRate === 0 && plan.keyStoreTimeoutRate === 0)) return [];
  const worlds: RunConfig[] = [{ ...config, faults: noFaults }];
  for (let index = 0; index < plan.events.length; index++) {
    worlds.push({ ...config, faults: { ...plan, events: plan.events.filter((_, other) => other !== index) } });
  }
  for (const simpler of registry.simplerPlans(plan)) worlds.push({ ...config, faults: simpler });
  return worlds;
}
