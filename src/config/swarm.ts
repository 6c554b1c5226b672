import { forkStream, type RandomStream } from '../kernel/random.ts';
import { backendComponent } from './backend-component.ts';
import { builtInRegistry } from './components.ts';
import type { FaultVerb } from './registry.ts';
import { momentNames } from './moments.ts';
import { drawPageReloads } from './page-component.ts';
import { drawDocuments } from './documents.ts';
import { drawTabs, type Tabs } from './tabs.ts';
import { noFaults, type ClockSettings, type FaultEvent, type FaultPlan } from './fault-plan.ts';
import { fixedDefaults, lastHorizonMs, type FaultMode, type LatencyModel, type RunConfig, type SwarmSettings } from './run-config.ts';
import { balancerPolicies } from './schema-parts.ts';

const backendVerbKinds: ReadonlySet<string> = new Set(backendComponent.faults.map((verb) => verb.kind));

/** The fault verbs a swarm seed may draw, in registration order; the backend's only in worlds with one. */
const drawableVerbs = builtInRegistry.verbs().filter((verb): verb is Drawable<typeof verb> => verb.draw !== undefined && !backendVerbKinds.has(verb.kind));
const backendVerbs = backendComponent.faults.filter((verb): verb is Drawable<typeof verb> => verb.draw !== undefined);

type Drawable<Verb extends FaultVerb<FaultEvent>> = Verb & Required<Pick<Verb, 'draw'>>;

const arrivalSpreadsMs = [0, 3, 40, 500, 5_000, 60_000, 180_000];
const arrivalCoincidences = [0, 0.2, 0.6];

const networkProfiles: readonly LatencyModel[] = [
  { minMs: 1, maxMs: 5, tailProbability: 0, tailMaxMs: 5 },
  { minMs: 20, maxMs: 150, tailProbability: 0, tailMaxMs: 150 },
  { minMs: 5, maxMs: 60, tailProbability: 0.1, tailMaxMs: 5_000 },
  { minMs: 1, maxMs: 30, tailProbability: 0.25, tailMaxMs: 5_000 },
];

const keyStoreProfiles: readonly LatencyModel[] = [
  { minMs: 1, maxMs: 3, tailProbability: 0, tailMaxMs: 3 },
  { minMs: 5, maxMs: 80, tailProbability: 0, tailMaxMs: 80 },
  { minMs: 2, maxMs: 20, tailProbability: 0.1, tailMaxMs: 3_000 },
  { minMs: 1, maxMs: 10, tailProbability: 0.3, tailMaxMs: 8_000 },
];

/**
 * Draws the world of one seed (swarm testing, after TigerBeetle's VOPR): arrival spread, coincidence and
 * latency profiles vary from seed to seed so that rare worlds — coincident creators, long-tailed key-store
 * writes — are common somewhere in a sweep. Pinned fields win; the draw comes from the `swarm` stream only,
 * so it never shifts another component's numbers.
 */
export function drawConfig(seed: number, settings: SwarmSettings = {}): RunConfig {
  const { clientsMin, clientsMax, backendInstancesMin, backendInstancesMax, faultMode, withBackend, backendDatabase, backendDatabaseFallback: _fallback, documents: documentsPin, ...pins } = settings;
  const swarm = forkStream(seed, 'swarm');
  // The portfolio: PCT finds ordering bugs of small depth on purpose, uniform random covers the rest.
  const strategy = swarm.pick(['random', 'random', 'pct', 'pct', 'pct'] as const);
  const drawn = {
    strategy,
    pctDepth: swarm.pick([1, 2, 3, 3, 4]),
    arrivalSpreadMs: swarm.pick(arrivalSpreadsMs),
    arrivalCoincidence: swarm.pick(arrivalCoincidences),
    network: swarm.pick(networkProfiles),
    keyStore: swarm.pick(keyStoreProfiles),
    // Drawn after the fields above, so that adding these draws did not change older seeds' worlds.
    retryBackoffMs: swarm.pick([250, 1_000, 1_000, 4_000]),
    clients: swarm.integer(clientsMin ?? fixedDefaults.clients, clientsMax ?? clientsMin ?? fixedDefaults.clients),
  };
  // A whole stack is what production runs: its packages' clock reads (axios times its requests) are routed
  // silently unless pinned otherwise; the backend's always are (a server's clock is the real one).
  const stackDefaults = withBackend === true ? { timeAndRandom: 'route' as const, ...drawBackendHosts(forkStream(seed, 'backend-hosts'), backendInstancesMin, backendInstancesMax), ...drawDatabaseSessions(seed, backendDatabase) } : {};
  const withoutDocuments = { seed, ...fixedDefaults, ...drawn, ...stackDefaults, ...definedOnly(pins) };
  // Documents come from a stream of their own, once the client count is known (they never exceed it).
  const resolved = { ...withoutDocuments, ...drawDocuments(forkStream(seed, 'documents'), {
      clients: withoutDocuments.clients,
      pin: documentsPin,
      spreadPin: pins.documentSpread,
      viewers: (pins.auth?.viewers?.length ?? 0) > 0,
    }) };
  // Faults and clocks come from streams of their own, drawn after the pins are known (fault targets are
  // clients), so that pinning one field never shifts another's draw.
  return {
    pctStepsEstimate: 12 + 14 * resolved.clients,
    // A pinned plan or clock setting replaces the draw (below): it is not drawn, which changes nothing else,
    // as each comes from a stream of its own (a fixed cost of every run in a world that pins them).
    faults: pins.faults ?? withBackendFaults(drawProtocolFaults(drawFaultPlan(forkStream(seed, 'fault-plan'), resolved.clients, faultMode ?? 'sometimes'), seed, resolved.clients), withBackend === true ? forkStream(seed, 'backend-fault-plan') : undefined, { clients: resolved.clients, backendInstances: resolved.backendInstances ?? 1 }),
    clocks: pins.clocks ?? drawClocks(forkStream(seed, 'clock-settings'), resolved.auth?.leewaySeconds),
    // Tabs from a stream of their own; absent from the config when none are drawn (older seeds' worlds unchanged).
    ...withTabs(pins.tabs ?? drawTabs(forkStream(seed, 'tabs'), resolved.clients)),
    ...resolved,
    // The event bound grows with the world: a run of many clients is long, not runaway.
    eventsMax: pins.eventsMax ?? Math.max(fixedDefaults.eventsMax, 200 * resolved.clients),
    virtualTimeMsMax: pins.virtualTimeMsMax ?? fixedDefaults.virtualTimeMsMax + lastHorizonMs(resolved.retentionHorizonsMs),
  };
}

/** Backend instances in the world (1–3 unless told otherwise) and the balancer's policy, from a stream of their own. */
function drawBackendHosts(stream: RandomStream, min: number | undefined, max: number | undefined): { backendInstances: number; balancer: (typeof balancerPolicies)[number] } {
  const instancesMin = min ?? 1;
  return { backendInstances: stream.integer(instancesMin, max ?? Math.max(instancesMin, 3)), balancer: stream.pick(balancerPolicies) };
}

// A real server's pool: 1 to 10 sessions, from a stream of its own (no other draw moves). PGlite is named.
function drawDatabaseSessions(seed: number, backendDatabase: 'postgres' | 'pglite' | undefined): { databaseSessions?: number; database?: 'pglite' } {
  if (backendDatabase === 'pglite') return { database: 'pglite' };
  return backendDatabase === 'postgres' ? { databaseSessions: forkStream(seed, 'database-sessions').integer(1, 10) } : {};
}

function definedOnly<T extends object>(pins: T): { [Key in keyof T]?: Exclude<T[Key], undefined> } {
  return Object.fromEntries(Object.entries(pins).filter(([, value]) => value !== undefined)) as { [Key in keyof T]?: Exclude<T[Key], undefined> };
}

/** A latency that is always exactly `ms`: for scripted, exhaustive and shrunk worlds. */
export function fixedLatency(ms: number): LatencyModel {
  return { minMs: ms, maxMs: ms, tailProbability: 0, tailMaxMs: ms };
}

/** Draws one latency from a model with a seeded stream. */
export function drawLatency(model: LatencyModel, stream: Pick<RandomStream, 'next'>): number {
  if (model.tailProbability > 0 && stream.next() < model.tailProbability) {
    // Log-uniform between maxMs and tailMaxMs: most tail draws are moderate, a few are very long.
    const low = Math.log(Math.max(1, model.maxMs));
    const high = Math.log(Math.max(1, model.tailMaxMs));
    return Math.round(Math.exp(low + stream.next() * (high - low)));
  }
  return model.minMs + Math.floor(stream.next() * (model.maxMs - model.minMs + 1));
}

/** With `sometimes`, half the seeds run without faults; the others draw a few scheduled faults and rates. */
export function drawFaultPlan(stream: RandomStream, clients: number, mode: FaultMode): FaultPlan {
  const faultless = stream.next() < 0.5;
  if (mode === 'never' || (mode === 'sometimes' && faultless)) return noFaults;
  const phaseEndMs = stream.pick([2_000, 15_000, 60_000]);
  const events: FaultEvent[] = [];
  for (let count = stream.integer(0, 3); count > 0; count--) events.push(drawFaultEvent(stream, phaseEndMs, clients));
  events.sort((left, right) => ('atMs' in left ? left.atMs : 0) - ('atMs' in right ? right.atMs : 0));
  return {
    phaseEndMs,
    events,
    keyStoreFailureRate: stream.pick([0, 0.03, 0.1]),
    keyStoreTimeoutRate: stream.pick([0.02, 0.1, 0.25]),
  };
}

/**
 * Adds to a drawn plan (never to a faultless one) what the protocol's narrow windows need, each from a stream
 * of its own so that the older draws stay as they were: how long a timed-out key-store operation takes and how
 * often one left without an answer was applied anyway (indeterminate outcomes), and crash points — a crash or
 * disconnect of a client the moment a protocol window opens (see world/moments.ts).
 */
export function drawProtocolFaults(plan: FaultPlan, seed: number, clients: number): FaultPlan {
  if (plan.phaseEndMs === 0) return plan;
  const indeterminate = forkStream(seed, 'indeterminate-plan');
  const crashPoints = forkStream(seed, 'crash-points');
  return {
    ...plan,
    events: [...plan.events, ...drawCrashPoints(crashPoints, clients), ...drawPageReloads(forkStream(seed, 'page-reloads'), plan.phaseEndMs, clients)],
    // Shorter than the provider's own timeout mostly, so that the provider sees the error and its retry runs.
    keyStoreTimeoutMs: indeterminate.pick([2_000, 5_000, 30_000]),
    keyStoreIndeterminateAppliedRate: indeterminate.pick([0.5, 1]),
  };
}

function drawCrashPoints(stream: RandomStream, clients: number): FaultEvent[] {
  return Array.from({ length: stream.pick([0, 1, 1, 2]) }, () => ({
    kind: 'crash-at' as const,
    client: `c${stream.integer(1, clients)}`,
    moment: stream.pick(momentNames),
    action: stream.pick(['crash', 'crash', 'disconnect'] as const),
    afterMs: stream.pick([500, 5_000, 60_000]),
  }));
}

// The place is drawn before the kind, for every kind, so that each verb's own draws follow the same numbers;
// the kinds are the registered verbs that can be drawn, in registration order.
function drawFaultEvent(stream: RandomStream, phaseEndMs: number, clients: number): FaultEvent {
  const atMs = stream.integer(0, phaseEndMs - 1);
  const client = `c${stream.integer(1, clients)}`;
  const verb = stream.pick(drawableVerbs);
  return verb.draw(stream, { atMs, client, backendInstances: 1 });
}

/**
 * In a world with the integrator's backend, a plan with faults also draws up to two of the backend's (a crash,
 * a lost response), from a stream of their own: worlds without a backend draw exactly what they did before.
 */
function withBackendFaults(plan: FaultPlan, stream: RandomStream | undefined, world: { readonly clients: number; readonly backendInstances: number }): FaultPlan {
  if (stream === undefined || plan === noFaults) return plan;
  const events = [...plan.events];
  for (let count = stream.integer(0, 2); count > 0; count--) {
    const atMs = stream.integer(0, plan.phaseEndMs - 1);
    const client = `c${stream.integer(1, world.clients)}`;
    events.push(stream.pick(backendVerbs).draw(stream, { atMs, client, backendInstances: world.backendInstances }));
  }
  // Appended, not sorted in: the plan's own events keep their order, so they are exactly the same as without a backend.
  return { ...plan, events };
}

/**
 * Most seeds have agreeing clocks; some draw skews up to two minutes and drifts up to 200 ppm. With JWT
 * authentication on, drawn skews stay within half the leeway (two clocks may err in opposite directions),
 * less a margin:
 * clocks that disagree beyond the leeway are a misconfiguration to pin on purpose, not a provider bug.
 */
export function drawClocks(stream: RandomStream, leewaySeconds?: number): ClockSettings {
  const skewMsMax = stream.pick([0, 0, 50, 2_000, 120_000]);
  const driftPpmMax = stream.pick([0, 0, 200]);
  // JWT times are whole seconds, so a margin of 1.5 s per clock keeps rounding and drift inside the leeway.
  const withinLeewayMs = leewaySeconds === undefined ? skewMsMax : Math.max(0, Math.min(skewMsMax, (leewaySeconds * 1000) / 2 - 1_500));
  return { skewMsMax: withinLeewayMs, driftPpmMax };
}

// A config names tabs only when it has some.
function withTabs(tabs: Tabs | undefined): { tabs?: Tabs } {
  return tabs === undefined || Object.keys(tabs).length === 0 ? {} : { tabs };
}
