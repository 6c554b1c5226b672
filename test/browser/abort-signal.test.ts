import { describe, expect, it } from 'vitest';
import { routedAbortSignal } from '../../src/model/browser/abort-signal.ts';

describe("the page's AbortSignal", () => {
  const scheduled: { abort: () => void; delayMs: number }[] = [];
  const PageAbortSignal = routedAbortSignal((abort, delayMs) => scheduled.push({ abort, delayMs }));

  it('AbortSignal.timeout is a scheduled timer that aborts with a TimeoutError DOMException, never the host clock', () => {
    const signal = PageAbortSignal.timeout(3000);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal).toBeInstanceOf(PageAbortSignal);
    expect(scheduled.at(-1)?.delayMs).toBe(3000);
    expect(signal.aborted).toBe(false);
    scheduled.at(-1)?.abort();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
    expect(() => PageAbortSignal.timeout(-1)).toThrow(TypeError);
    // A signal the host's fetch standard accepts.
    expect(new Request('https://app.example/', { signal }).signal.aborted).toBe(true);
  });

  it('AbortSignal.any aborts with the first source to abort, and at once when one already has', () => {
    const first = new AbortController();
    const second = new AbortController();
    const either = PageAbortSignal.any([first.signal, second.signal]);
    second.abort('second');
    first.abort('first');
    expect([either.aborted, either.reason]).toEqual([true, 'second']);
    expect(PageAbortSignal.any([AbortSignal.abort('done')]).reason).toBe('done');
  });

  it('everything else is the host class: AbortSignal.abort()', () => {
    expect(PageAbortSignal.abort().aborted).toBe(true);
  });
});
