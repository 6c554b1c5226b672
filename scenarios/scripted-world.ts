import type { ConfigPins } from '../src/config/run-config.ts';
import { fixedLatency } from '../src/config/swarm.ts';

/**
 * The world every scripted scenario starts from: the earliest event always first, a 10 ms network and a 5 ms
 * key store, and the clients arriving at the given times — so that a trace reads like a clock.
 */
export function scriptedWorld(arrivalTimesMs: readonly number[]): ConfigPins {
  return { strategy: 'timed', clients: arrivalTimesMs.length, arrivalTimesMs, network: fixedLatency(10), keyStore: fixedLatency(5) };
}
