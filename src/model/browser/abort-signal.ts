/** Schedules `abort` after `delayMs` of the machine's virtual time (a page timer, or a backend's). */
export type ScheduleTimeout = (abort: () => void, delayMs: number) => void;

/**
 * The `AbortSignal` a module instance sees: the host's class (so `new Request(url, { signal })`, `instanceof`
 * and `AbortSignal.abort()` work as they do), except for the two statics that would run outside the schedule.
 *
 * - `AbortSignal.timeout(ms)` is a timer on the machine's virtual clock: when it fires, the signal aborts with
 *   a `DOMException` named `TimeoutError`, as the standard says. The host's would wait for real time.
 * - `AbortSignal.any(signals)` aborts with the first reason of its sources. It is written out here rather than
 *   taken from the host because the host's holds its result only weakly from its sources: whether a pending
 *   composite survives until its source aborts would depend on when the garbage collector ran, not on the seed.
 */
export function routedAbortSignal(scheduleTimeout: ScheduleTimeout): typeof AbortSignal {
  const timeout = (milliseconds: unknown): AbortSignal => {
    const delayMs = Number(milliseconds);
    // WebIDL's [EnforceRange] unsigned long long: a negative, infinite or NaN delay is a TypeError.
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new TypeError(`Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range.`);
    const controller = new AbortController();
    scheduleTimeout(() => controller.abort(new DOMException('signal timed out', 'TimeoutError')), Math.floor(delayMs));
    return controller.signal;
  };
  const any = (signals: Iterable<AbortSignal>): AbortSignal => {
    const sources = [...signals];
    const controller = new AbortController();
    const aborted = sources.find((signal) => signal.aborted);
    if (aborted !== undefined) {
      controller.abort(aborted.reason);
      return controller.signal;
    }
    const listeners = sources.map((signal) => {
      const listener = (): void => {
        controller.abort(signal.reason);
        // Once aborted, the composite lets go of its sources (this one's listener too, so no `once` is needed):
        // a long-lived signal does not collect listeners.
        sources.forEach((source, index) => source.removeEventListener('abort', listeners[index] as () => void));
      };
      signal.addEventListener('abort', listener);
      return listener;
    });
    return controller.signal;
  };
  return new Proxy(globalThis.AbortSignal, {
    get: (target, key) => (key === 'timeout' ? timeout : key === 'any' ? any : Reflect.get(target, key)),
  });
}
