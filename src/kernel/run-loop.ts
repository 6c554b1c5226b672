import type { SimEvent } from './event.ts';
import type { EventQueue } from './event-queue.ts';
import type { Strategy } from './strategy.ts';

/** What the loop needs: the queue, the decision point, how to settle user code, and its bounds. */
export interface LoopOptions {
  readonly queue: EventQueue;
  readonly strategy: Strategy;
  /** Drains pending reactions of user code; returns a promise only when it must wait for the host. */
  readonly settle: () => Promise<void> | undefined;
  /** Whether the world asked to stop (done, or a checker saw a violation). */
  readonly isHalted: () => boolean;
  readonly eventsMax: number;
  readonly virtualTimeMsMax: number;
  /** Sees every decision; used to record decision logs and enabled sets. */
  readonly onDecision?: (event: SimEvent, index: number, enabled: readonly SimEvent[]) => void;
}

/** How the loop ended. */
export type LoopEnd =
  | { readonly kind: 'halted'; readonly steps: number }
  | { readonly kind: 'quiescent'; readonly steps: number }
  | { readonly kind: 'abandoned'; readonly steps: number }
  | { readonly kind: 'limit'; readonly limit: 'events' | 'virtual-time'; readonly steps: number };

/**
 * The run loop: settle, then pop — every time, the first time too — so that a provider that answers in
 * microtasks has answered before a virtual-time timeout can be chosen. Bounded by events and virtual time.
 */
export async function runLoop(options: LoopOptions): Promise<LoopEnd> {
  const end = await runSteps(options);
  const { queue, strategy } = options;
  strategy.end?.({ step: end.steps, nowMs: queue.nowMsUnobserved, clockReads: queue.clockReads });
  return end;
}

async function runSteps(options: LoopOptions): Promise<LoopEnd> {
  const { queue, strategy } = options;
  let steps = 0;
  for (;;) {
    for (let waiting = options.settle(); waiting !== undefined; waiting = options.settle()) await waiting;
    if (options.isHalted()) return { kind: 'halted', steps };
    const enabled = queue.enabled();
    if (enabled.length === 0) return { kind: 'quiescent', steps };
    if (steps >= options.eventsMax) return { kind: 'limit', limit: 'events', steps };
    const index = strategy.choose(enabled, { step: steps, nowMs: queue.nowMsUnobserved, clockReads: queue.clockReads });
    if (index < 0) return { kind: 'abandoned', steps };
    const event = enabled[index];
    if (event === undefined) throw new Error(`strategy ${strategy.name} chose ${index} of ${enabled.length} events`);
    if (event.dueMs > options.virtualTimeMsMax) return { kind: 'limit', limit: 'virtual-time', steps };
    options.onDecision?.(event, index, enabled);
    queue.take(event);
    steps++;
    event.action();
  }
}
