/** How a piece of host work ended. */
export type HostOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface Queued {
  /** The work's result: a plain value is ready at once, a promise is real host work. */
  readonly result: unknown;
  readonly isPromise: boolean;
  readonly continuation: (outcome: HostOutcome<unknown>) => void;
}

/**
 * Work the model itself does outside the event loop's order — sealing and opening sessions, signing and
 * verifying tokens. Real asynchronous work (WebCrypto, JWT) finishes on the host's own timing, so the kernel
 * waits for all of it before the next event and runs the continuations in the order the work was started,
 * never in the order it happened to finish. Symbolic work goes through the same queue synchronously, so that
 * the two give the same trace.
 */
export class HostWork {
  private queue: Queued[] = [];

  /**
   * Runs `continuation` with the outcome of `work` (a value or a promise) at the next settle, in order. A
   * bound function, so that every module instance of a world can be handed this one as its WebCrypto's tracker.
   */
  readonly track = <T>(work: T | PromiseLike<T>, continuation: (outcome: HostOutcome<T>) => void): void => {
    const isPromise = typeof (work as PromiseLike<T> | undefined)?.then === 'function';
    this.queue.push({ result: work, isPromise, continuation: continuation as (outcome: HostOutcome<unknown>) => void });
  };

  /**
   * Runs the queued continuations in order. Returns a promise only when real host work must be waited for;
   * undefined when everything ran synchronously (or nothing was queued).
   */
  drain(): Promise<void> | undefined {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      if (batch.some((entry) => entry.isPromise)) {
        return Promise.allSettled(batch.map((entry) => entry.result)).then((results) => {
          results.forEach((result, index) => {
            const outcome: HostOutcome<unknown> = result.status === 'fulfilled' ? { ok: true, value: result.value } : { ok: false, error: result.reason };
            batch[index]?.continuation(outcome);
          });
        });
      }
      for (const entry of batch) entry.continuation({ ok: true, value: entry.result });
    }
    return undefined;
  }
}
