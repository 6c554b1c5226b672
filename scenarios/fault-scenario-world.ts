import type { FaultEvent } from '../src/config/fault-plan.ts';
import type { ConfigPins } from '../src/config/run-config.ts';
import { scriptedWorld } from './scripted-world.ts';

/**
 * The world of the fault scenarios: two browsers opening the document together, 10 ms network and 5 ms key
 * store, the earliest event always first — the seeds-race timing, in which c1 is accepted at 45 ms and its
 * upload reaches the server at 55 ms — plus the scripted faults.
 */
export function faultScenarioPins(events: readonly FaultEvent[], phaseEndMs: number, clients = 2): ConfigPins {
  return {
    ...scriptedWorld(Array.from({ length: clients }, () => 0)),
    retryBackoffMs: 1_000,
    faults: { phaseEndMs, events, keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 },
  };
}
