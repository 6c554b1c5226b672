import type { Realm } from '../providers/realm.ts';

/** How many host turns `settling` gives a promise before it calls it hung. */
export const settlingTurnsMax = 10_000;

/**
 * Awaits `promise` outside any world (a backend's `setup`, tests), settling `realm` between host turns: the
 * backend's continuations run only when its realm is settled, and a host promise it awaits (a database
 * statement, light-my-request) settles without marking the realm. Bounded: after `turnsMax` turns it
 * resolves to `{ ok: false }` rather than waiting for ever.
 */
export async function settling<T>(
  realm: Pick<Realm, 'touch' | 'settle'>,
  promise: Promise<T>,
  turnsMax = settlingTurnsMax,
  /** Called every few turns while the promise is still pending: the place to fire a due timer. */
  onWaiting?: () => void,
): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false }> {
  let done = false;
  const watched = promise.finally(() => {
    done = true;
  });
  // Read only after the loop: marked handled now, or a rejection would be reported as unhandled meanwhile.
  watched.catch(() => undefined);
  for (let turn = 0; turn < turnsMax && !done; turn++) {
    if (turn % 4 === 3) onWaiting?.();
    realm.touch();
    await realm.settle();
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!done) return { ok: false };
  return { ok: true, value: await watched };
}
