import type { ClockSettings } from '../config/fault-plan.ts';
import type { RandomStream } from '../kernel/random.ts';

/** A node's wall clock: the epoch plus virtual time, off by a seeded skew and drifting at a seeded rate. */
export interface NodeClock {
  readonly skewMs: number;
  readonly driftPpm: number;
  /** The wall-clock reading, ms since the epoch, at a virtual time. */
  read(virtualMs: number): number;
  /** Corrects the clock (NTP): from `virtualMs` on it reads true time. */
  synchronise(virtualMs: number): void;
}

/**
 * How far drift alone may carry a clock from true time: NTP disciplines a real machine's clock, so over the
 * quiet months between the race and a retention probe its error stays bounded instead of growing without end
 * (200 ppm for a year would be 1.75 hours). Drift reaches this after 83 minutes at 200 ppm, longer than a race.
 */
export const driftOffsetMsMax = 1_000;

/**
 * Draws one node's clock within the run's bounds (exact when the bounds are zero; pinned when named). Its drift
 * counts from `bornAtMs`, the virtual time the node starts (a browser opened months later has a fresh clock).
 */
export function drawClock(epochMs: number, settings: ClockSettings | undefined, stream: RandomStream, node: string, bornAtMs = 0): NodeClock {
  const drawnSkewMs = settings === undefined || settings.skewMsMax === 0 ? 0 : stream.integer(-settings.skewMsMax, settings.skewMsMax);
  const driftPpm = settings === undefined || settings.driftPpmMax === 0 ? 0 : Math.round((stream.next() * 2 - 1) * settings.driftPpmMax);
  return new DriftingClock(epochMs, settings?.skewsMs?.[node] ?? drawnSkewMs, driftPpm, bornAtMs);
}

// A class, not an object literal of closures: a large world holds one clock per client.
class DriftingClock implements NodeClock {
  constructor(
    private readonly epochMs: number,
    public skewMs: number,
    public driftPpm: number,
    private driftSinceMs: number,
  ) {}

  read(virtualMs: number): number {
    const driftMs = Math.round(((virtualMs - this.driftSinceMs) * this.driftPpm) / 1_000_000);
    return this.epochMs + virtualMs + this.skewMs + Math.max(-driftOffsetMsMax, Math.min(driftOffsetMsMax, driftMs));
  }

  synchronise(virtualMs: number): void {
    this.skewMs = 0;
    this.driftPpm = 0;
    this.driftSinceMs = virtualMs;
  }
}
