import { createClientProvider } from './browser-modules.ts';
import { drawClock } from './clocks.ts';
import type { SimulatedKeyStore } from './key-store.ts';
import { ProviderCaller } from './provider-caller.ts';
import type { WorldContext } from './world-context.ts';

/** An established session a fresh client must still be able to open. */
export interface Expectation {
  readonly documentId: string;
  readonly keyHint: string;
  readonly expectedKey: string;
}

/** Which probe, when, and what it must find. */
export interface ProbePlan {
  readonly probeId: string;
  /** How long after the race settled it opens the documents (0: at once). */
  readonly horizonMs: number;
  readonly expectations: readonly Expectation[];
}

/**
 * A fresh browser that opens every established session, one after another: the seeds' "old keys cannot be
 * discarded immediately", because older sessions may start new ones. It has its own module instance, no
 * memory of the race, and a clock set when it starts.
 */
export function runRetentionProbe(world: WorldContext, keyStore: SimulatedKeyStore, plan: ProbePlan, onDone: () => void): void {
  const { probeId, horizonMs, expectations } = plan;
  // Birth only starts a clock's drift: a clock without drift reads the same whenever it was born.
  const bornAtMs = (world.config.clocks?.driftPpmMax ?? 0) === 0 ? world.queue.nowMsUnobserved : world.queue.nowMs;
  const clock = drawClock(world.config.epochMs, world.config.clocks, world.streams.once(`clock:${probeId}`), probeId, bornAtMs);
  // A probe closes its page once it has its answers: its timers stop, as a closed tab's do (what it sent stays sent).
  let open = true;
  const created = createClientProvider(world, { clientId: probeId, clock, keyStore, pageOpen: () => open });
  const caller = created.ok ? new ProviderCaller(world, probeId, created.provider, world.config.livenessBoundMs) : undefined;
  const next = (index: number): void => {
    const expectation = expectations[index];
    if (expectation === undefined) {
      open = false;
      return onDone();
    }
    const { documentId, keyHint, expectedKey } = expectation;
    const report = (outcome: { key: string } | { failure: string }): void => {
      world.emit({ kind: 'probe', actor: probeId, horizonMs, documentId, keyHint, expectedKey, ...outcome });
      next(index + 1);
    };
    // Stryker disable next-line StringLiteral: unreachable: a caller exists whenever the provider was created
    if (caller === undefined) return report({ failure: created.ok ? 'no provider' : created.problem });
    caller.request(documentId, keyHint, (answer) => report({ key: answer.key }), (reason) => report({ failure: reason }));
  };
  next(0);
}
