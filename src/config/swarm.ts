import { forkStream } from '../kernel/random.ts';
import { fixedDefaults, type LatencyModel, type RunConfig, type SwarmSettings } from './run-config.ts';

const arrivalSpreadsMs = [0, 3, 40, 500, 5_000, 60_000, 180_000];
const arrivalCoincidences = [0, 0.2, 0.6];

const networkProfiles: readonly LatencyModel[] = [
  { minMs: 1, maxMs: 5, tailProbability: 0, tailMaxMs: 5 },
  { minMs: 20, maxMs: 150, tailProbability: 0, tailMaxMs: 150 },
  { minMs: 5, maxMs: 60, tailProbability: 0.1, tailMaxMs: 5_000 },
  { minMs: 1, maxMs: 30, tailProbability: 0.25, tailMaxMs: 20_000 },
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
  const { clientsMin, clientsMax, ...pins } = settings;
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
  const resolved = { seed, ...fixedDefaults, ...drawn, ...definedOnly(pins) };
  if (resolved.documents > resolved.clients) resolved.documents = resolved.clients;
  return { pctStepsEstimate: 12 + 14 * resolved.clients, ...resolved };
}

function definedOnly<T extends object>(pins: T): Partial<T> {
  return Object.fromEntries(Object.entries(pins).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Draws one latency from a model with a seeded stream. */
export function drawLatency(model: LatencyModel, next: () => number): number {
  if (model.tailProbability > 0 && next() < model.tailProbability) {
    // Log-uniform between maxMs and tailMaxMs: most tail draws are moderate, a few are very long.
    const low = Math.log(Math.max(1, model.maxMs));
    const high = Math.log(Math.max(1, model.tailMaxMs));
    return Math.round(Math.exp(low + next() * (high - low)));
  }
  return model.minMs + Math.floor(next() * (model.maxMs - model.minMs + 1));
}
