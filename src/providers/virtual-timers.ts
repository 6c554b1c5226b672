import type { VirtualTimers } from './machine-services.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';

/** What Node's timer functions return: a handle that is also its number (`+handle`), and that can be unref'd. */
class TimerHandle {
  constructor(private readonly id: number) {}
  ref(): this {
    return this;
  }
  // The simulation ends when its world is done, whatever timers are left: unref changes nothing.
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

type TimerName = 'setTimeout' | 'setInterval' | 'clearTimeout' | 'clearInterval';

/** What a timer function returns: Node's handle (a server), or a browser's plain positive number (a page). */
export type TimerHandles = 'node' | 'browser';

/**
 * `setTimeout`, `setInterval` and their `clear` functions over a machine's virtual timers: one design for the
 * backend and the page, differing only as Node and browsers differ. Node's shape: a handle with `unref()`,
 * convertible to its number, and a delay that is not a number ≥ 1 is 1. A browser's: the timer's number, and a
 * delay that is not a number ≥ 0 is 0.
 */
export function virtualTimerGlobals(timers: VirtualTimers, helpers: SandboxHelpers, handles: TimerHandles = 'node'): Record<TimerName, unknown> {
  const delayMin = handles === 'node' ? 1 : 0;
  const set =
    (repeat: boolean) =>
    (callback: unknown, delay?: unknown, ...args: unknown[]): TimerHandle | number => {
      if (typeof callback !== 'function') throw helpers.error('The "callback" argument must be of type function');
      const delayMs = typeof delay === 'number' && delay >= delayMin && Number.isFinite(delay) ? Math.floor(delay) : delayMin;
      const id = timers.set(() => (callback as (...args: unknown[]) => void)(...args), delayMs, repeat);
      return handles === 'node' ? new TimerHandle(id) : id;
    };
  const clear = (handle: unknown): void => {
    if (handle === undefined || handle === null) return;
    const id = Number(handle);
    if (Number.isInteger(id)) timers.clear(id);
  };
  return { setTimeout: set(false), setInterval: set(true), clearTimeout: clear, clearInterval: clear };
}
