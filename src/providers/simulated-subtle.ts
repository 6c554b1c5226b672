import type { HostOutcome } from '../kernel/host-work.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';

/** Hands real asynchronous work to the world, which runs `continuation` with its outcome before the next event. */
export type HostWorkTracker = (work: PromiseLike<unknown>, continuation: (outcome: HostOutcome<unknown>) => void) => void;

const subtleMethodNames = ['digest', 'encrypt', 'decrypt', 'sign', 'verify', 'generateKey', 'deriveKey', 'deriveBits', 'importKey', 'exportKey', 'wrapKey', 'unwrapKey'] as const;

/**
 * The host's SubtleCrypto, with every answer delivered inside the simulation: the real operation runs on the
 * host's thread pool, the world waits for it before the next event (as it does for its own WebCrypto work)
 * and the module's promise settles then, in the order the calls were made. Without this, a provider that
 * awaits `crypto.subtle.digest` would be answered on the host's timing — after the run had moved on.
 */
export function simulatedSubtle(parts: { readonly helpers: SandboxHelpers; readonly later: (task: () => void) => void; readonly hostWork: HostWorkTracker }): object {
  const real = globalThis.crypto.subtle as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const methods = subtleMethodNames.map((name) => {
    const method = (...args: unknown[]): Promise<unknown> => {
      const answer = parts.helpers.deferred() as { promise: Promise<unknown>; resolve(value: unknown): void; reject(reason: unknown): void };
      let work: Promise<unknown>;
      try {
        work = Reflect.apply(real[name] as (...args: unknown[]) => Promise<unknown>, real, args);
      } catch (error) {
        work = Promise.reject(error);
      }
      parts.hostWork(work, (outcome) => parts.later(() => (outcome.ok ? answer.resolve(outcome.value) : answer.reject(outcome.error))));
      return answer.promise;
    };
    return [name, method] as const;
  });
  return Object.freeze(Object.fromEntries(methods));
}
