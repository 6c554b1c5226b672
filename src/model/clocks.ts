import type { ClockSettings } from '../config/fault-plan.ts';
import type { RandomStream } from '../kernel/random.ts';

/** A node's wall clock: the epoch plus virtual time, off by a seeded skew and drifting at a seeded rate. */
export interface NodeClock {
  readonly skewMs: number;
  readonly driftPpm: number;
  /** The wall-clock reading, ms since the epoch, at a virtual time. */
  read(virtualMs: number): number;
}

/** Draws one node's clock within the run's bounds (exact when the bounds are zero). */
export function drawClock(epochMs: number, settings: ClockSettings | undefined, stream: RandomStream): NodeClock {
  const skewMs = settings === undefined || settings.skewMsMax === 0 ? 0 : stream.integer(-settings.skewMsMax, settings.skewMsMax);
  const driftPpm = settings === undefined || settings.driftPpmMax === 0 ? 0 : Math.round((stream.next() * 2 - 1) * settings.driftPpmMax);
  return {
    skewMs,
    driftPpm,
    read: (virtualMs) => epochMs + virtualMs + skewMs + Math.round((virtualMs * driftPpm) / 1_000_000),
  };
}
