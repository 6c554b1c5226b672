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

/** Draws one node's clock within the run's bounds (exact when the bounds are zero; pinned when named). */
export function drawClock(epochMs: number, settings: ClockSettings | undefined, stream: RandomStream, node: string): NodeClock {
  const drawnSkewMs = settings === undefined || settings.skewMsMax === 0 ? 0 : stream.integer(-settings.skewMsMax, settings.skewMsMax);
  const driftPpm = settings === undefined || settings.driftPpmMax === 0 ? 0 : Math.round((stream.next() * 2 - 1) * settings.driftPpmMax);
  return new DriftingClock(epochMs, settings?.skewsMs?.[node] ?? drawnSkewMs, driftPpm);
}

// A class, not an object literal of closures: a large world holds one clock per client.
class DriftingClock implements NodeClock {
  private driftSinceMs = 0;
  constructor(
    private readonly epochMs: number,
    public skewMs: number,
    public driftPpm: number,
  ) {}

  read(virtualMs: number): number {
    return this.epochMs + virtualMs + this.skewMs + Math.round(((virtualMs - this.driftSinceMs) * this.driftPpm) / 1_000_000);
  }

  synchronise(virtualMs: number): void {
    this.skewMs = 0;
    this.driftPpm = 0;
    this.driftSinceMs = virtualMs;
  }
}
