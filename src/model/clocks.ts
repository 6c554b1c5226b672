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
  let skewMs = settings?.skewsMs?.[node] ?? drawnSkewMs;
  let drift = driftPpm;
  let driftSinceMs = 0;
  return {
    get skewMs() {
      return skewMs;
    },
    get driftPpm() {
      return drift;
    },
    read: (virtualMs) => epochMs + virtualMs + skewMs + Math.round(((virtualMs - driftSinceMs) * drift) / 1_000_000),
    synchronise(virtualMs) {
      skewMs = 0;
      drift = 0;
      driftSinceMs = virtualMs;
    },
  };
}
