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
export function simulatedSubtle(parts: { readonly helpers: SandboxHelpers; readonly later: (task: () => void) => void; readonly hostWork: HostWorkTracker; readonly random: () => number }): object {
  const real = globalThis.crypto.subtle as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const methods = subtleMethodNames.map((name) => {
    const method = (...args: unknown[]): Promise<unknown> => {
      const answer = parts.helpers.deferred() as { promise: Promise<unknown>; resolve(value: unknown): void; reject(reason: unknown): void };
      let work: Promise<unknown>;
      try {
        const seeded = name === 'generateKey' ? seededSecretKey(args, parts.random) : undefined;
        work = seeded ?? Reflect.apply(real[name] as (...args: unknown[]) => Promise<unknown>, real, args);
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

// The key length in bits a symmetric algorithm's generateKey makes: AES's given `length`; HMAC's given one, or
// its hash's block size (as WebCrypto defaults it).
function secretKeyBits(algorithm: unknown): number | undefined {
  if (typeof algorithm !== 'object' || algorithm === null) return undefined;
  const { name, length, hash } = algorithm as { name?: unknown; length?: unknown; hash?: unknown };
  const upper = typeof name === 'string' ? name.toUpperCase() : '';
  if (/^AES-(GCM|CBC|CTR|KW)$/.test(upper)) return length === 128 || length === 192 || length === 256 ? length : undefined;
  if (upper !== 'HMAC') return undefined;
  if (typeof length === 'number' && Number.isInteger(length) && length > 0 && length % 8 === 0) return length;
  const hashName = (typeof hash === 'string' ? hash : (hash as { name?: unknown } | undefined)?.name) ?? '';
  return /^SHA-(1|256)$/i.test(String(hashName)) ? 512 : /^SHA-(384|512)$/i.test(String(hashName)) ? 1024 : undefined;
}

/**
 * `generateKey` of a secret key (AES-GCM/CBC/CTR/KW, HMAC) from the instance's seeded stream: the same key the
 * real call would make with those bytes, imported with the asked extractability and usages. A key pair (RSA,
 * EC, Ed25519, X25519) still draws real randomness (a limit, in nondeterminism.ts's table); so does a call
 * whose arguments the real one would refuse, which then rejects as it would.
 */
function seededSecretKey(args: readonly unknown[], random: () => number): Promise<unknown> | undefined {
  const [algorithm, extractable, usages] = args;
  const bits = secretKeyBits(algorithm);
  if (bits === undefined) return undefined;
  const bytes = new Uint8Array(bits / 8);
  fillFromStream(bytes, random);
  const { name, hash } = algorithm as { name: string; hash?: unknown };
  const imported = name.toUpperCase() === 'HMAC' ? { name, hash, length: bits } : { name };
  return globalThis.crypto.subtle.importKey('raw', bytes, imported as AlgorithmIdentifier, extractable as boolean, usages as KeyUsage[]);
}

/** Fills `bytes` from a seeded float stream, one draw a byte: how every routed random byte is made. */
export function fillFromStream(bytes: Uint8Array, random: () => number): void {
  for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(random() * 256);
}
