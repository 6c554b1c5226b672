import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../../src/config/swarm.ts';
import type { ClockSettings, FaultPlan } from '../../src/config/fault-plan.ts';

// A pinned fault plan or clock setting is not drawn at all (a fixed cost saved per run); these properties say
// that skipping the draw moves nothing else: every other field, and the order of the fields (a trace's JSON
// holds the configuration), are those of the unpinned draw of the same seed.
const plans: readonly FaultPlan[] = [
  { phaseEndMs: 0, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 },
  { phaseEndMs: 15_000, events: [{ kind: 'partition', atMs: 40, client: 'c1', healAfterMs: 3_000 }], keyStoreFailureRate: 0.05, keyStoreTimeoutRate: 0.1 },
];
const clockSettings: readonly ClockSettings[] = [
  { skewMsMax: 0, driftPpmMax: 0 },
  { skewMsMax: 2_000, driftPpmMax: 200 },
];

describe('pinned fault plans and clocks are not drawn', () => {
  it('pinning the fault plan changes only the plan, in its place', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(...plans), fc.constantFrom('sometimes', 'always', 'never') as fc.Arbitrary<'sometimes' | 'always' | 'never'>, (seed, faults, faultMode) => {
        const expected = { ...drawConfig(seed, { faultMode }), faults };
        expect(JSON.stringify(drawConfig(seed, { faultMode, faults }))).toBe(JSON.stringify(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('pinning the clocks changes only the clocks, in their place, with a backend too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(...clockSettings), fc.boolean(), (seed, clocks, withBackend) => {
        const expected = { ...drawConfig(seed, { withBackend }), clocks };
        expect(JSON.stringify(drawConfig(seed, { withBackend, clocks }))).toBe(JSON.stringify(expected));
      }),
      { numRuns: 300 },
    );
  });
});
