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

/**
 * `setTimeout`, `setInterval` and their `clear` functions over a machine's virtual timers, shaped like Node's
 * (a handle with `unref()`, convertible to its number). A delay that is not a number ≥ 1 is 1, as in Node.
 */
export function virtualTimerGlobals(timers: VirtualTimers, helpers: SandboxHelpers): Record<TimerName, unknown> {
  const set =
    (repeat: boolean) =>
    (callback: unknown, delay?: unknown, ...args: unknown[]): TimerHandle => {
      if (typeof callback !== 'function') throw helpers.error('The "callback" argument must be of type function');
      const delayMs = typeof delay === 'number' && delay >= 1 && Number.isFinite(delay) ? Math.floor(delay) : 1;
      return new TimerHandle(timers.set(() => (callback as (...args: unknown[]) => void)(...args), delayMs, repeat));
    };
  const clear = (handle: unknown): void => {
    if (handle === undefined || handle === null) return;
    const id = Number(handle);
    if (Number.isInteger(id)) timers.clear(id);
  };
  return { setTimeout: set(false), setInterval: set(true), clearTimeout: clear, clearInterval: clear };
}
