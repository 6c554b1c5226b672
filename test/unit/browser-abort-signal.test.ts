import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { routedAbortSignal } from '../../src/model/browser/abort-signal.ts';

/** The routed class over a hand-run clock: `fire()` runs the timers due by `nowMs`, in the order they were set. */
function routed() {
  const timers: { abort: () => void; delayMs: number }[] = [];
  const AbortSignalClass = routedAbortSignal((abort, delayMs) => timers.push({ abort, delayMs }));
  const fire = (nowMs: number): void => {
    const due = timers.filter((each) => each.delayMs <= nowMs);
    timers.splice(0, timers.length, ...timers.filter((each) => each.delayMs > nowMs));
    for (const timer of due) timer.abort();
  };
  return { AbortSignalClass, timers, fire };
}

function reasonOf(signal: AbortSignal): { name: string; message: string } {
  const reason = signal.reason as DOMException;
  return { name: reason.name, message: reason.message };
}

describe('AbortSignal.timeout on the virtual clock', () => {
  it('schedules one timer of the whole delay and aborts with a TimeoutError only when it fires', () => {
    const { AbortSignalClass, timers, fire } = routed();
    const signal = AbortSignalClass.timeout(250);
    expect(timers.map((timer) => timer.delayMs)).toEqual([250]);
    expect(signal.aborted).toBe(false);
    fire(250);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect(reasonOf(signal)).toEqual({ name: 'TimeoutError', message: 'signal timed out' });
  });

  it('takes a zero delay and rounds a fractional one down, as the unsigned long long conversion does', () => {
    const { AbortSignalClass, timers } = routed();
    AbortSignalClass.timeout(0);
    AbortSignalClass.timeout(1.9);
    AbortSignalClass.timeout('7' as unknown as number);
    expect(timers.map((timer) => timer.delayMs)).toEqual([0, 1, 7]);
  });

  it('refuses a negative, infinite or NaN delay with a TypeError, and schedules nothing', () => {
    const { AbortSignalClass, timers } = routed();
    for (const delay of [-1, -0.5, Number.POSITIVE_INFINITY, Number.NaN, 'soon']) {
      expect(() => AbortSignalClass.timeout(delay as number)).toThrow(new TypeError("Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range."));
    }
    expect(timers).toEqual([]);
  });
});

describe('AbortSignal.any written out', () => {
  it('is aborted at once with the reason of the first source already aborted, from any iterable', () => {
    const { AbortSignalClass } = routed();
    const live = new AbortController();
    const first = AbortSignal.abort('first');
    const second = AbortSignal.abort('second');
    const composite = AbortSignalClass.any(new Set([live.signal, first, second]) as unknown as AbortSignal[]);
    expect([composite.aborted, composite.reason]).toEqual([true, 'first']);
    // Nothing is left listening on a source when the composite was born aborted.
    expect(getEventListeners(live.signal, 'abort')).toHaveLength(0);
  });

  it('aborts with the reason of the source that aborts first, and then lets go of every source', () => {
    const { AbortSignalClass } = routed();
    const sources = [new AbortController(), new AbortController(), new AbortController()];
    const composite = AbortSignalClass.any(sources.map((controller) => controller.signal));
    expect(sources.map((controller) => getEventListeners(controller.signal, 'abort').length)).toEqual([1, 1, 1]);
    expect(composite.aborted).toBe(false);
    sources[1]?.abort('middle');
    expect([composite.aborted, composite.reason]).toEqual([true, 'middle']);
    expect(sources.map((controller) => getEventListeners(controller.signal, 'abort').length)).toEqual([0, 0, 0]);
    sources[0]?.abort('later');
    expect(composite.reason).toBe('middle');
  });

  it('follows a virtual timeout among its sources', () => {
    const { AbortSignalClass, fire } = routed();
    const composite = AbortSignalClass.any([new AbortController().signal, AbortSignalClass.timeout(100)]);
    fire(99);
    expect(composite.aborted).toBe(false);
    fire(100);
    expect(reasonOf(composite)).toEqual({ name: 'TimeoutError', message: 'signal timed out' });
  });

  it('with no sources is never aborted', () => {
    const { AbortSignalClass } = routed();
    expect(AbortSignalClass.any([]).aborted).toBe(false);
  });
});

describe('the rest of AbortSignal is the host class', () => {
  it('passes every other static through, so abort() and instanceof work as in a browser', () => {
    const { AbortSignalClass, timers } = routed();
    const aborted = AbortSignalClass.abort('why');
    expect([aborted.aborted, aborted.reason]).toEqual([true, 'why']);
    expect(aborted).toBeInstanceOf(AbortSignal);
    expect(AbortSignalClass.prototype).toBe(AbortSignal.prototype);
    expect(new AbortController().signal).toBeInstanceOf(AbortSignalClass);
    expect(AbortSignalClass.timeout).not.toBe(AbortSignal.timeout);
    expect(AbortSignalClass.any).not.toBe(AbortSignal.any);
    expect(AbortSignalClass.timeout).not.toBe(AbortSignalClass.any);
    expect(timers).toEqual([]);
  });
});
