import type { RandomStream } from '../kernel/random.ts';
import type { Realm } from './realm.ts';
import type { KeyStore, ProviderEnv } from './types.ts';

/** What the model supplies to build one client's provider env. */
export interface EnvParts {
  readonly clientId: string;
  readonly clock: () => number;
  readonly random: RandomStream;
  readonly realm: Realm & { bytes(length: number): Uint8Array };
  readonly keyStore: KeyStore;
  /** Schedules a virtual-time wake-up for this client. */
  readonly wakeAfter: (ms: number, wake: () => void) => void;
}

/** Builds the env handed to `createProvider(env)`: clock, seeded randomness, virtual sleep, the key store. */
export function createProviderEnv(parts: EnvParts): ProviderEnv {
  return Object.freeze({
    clientId: parts.clientId,
    now: parts.clock,
    random: () => parts.random.next(),
    randomBytes(length: number): Uint8Array {
      if (!Number.isInteger(length) || length < 0 || length > 65_536) {
        throw new RangeError(`env.randomBytes(length): length must be an integer in [0, 65536], got ${String(length)}`);
      }
      const bytes = parts.realm.bytes(length);
      for (let index = 0; index < length; index++) bytes[index] = Math.floor(parts.random.next() * 256);
      return bytes;
    },
    sleep(ms: number): Promise<void> {
      const deferred = parts.realm.deferred<void>();
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        deferred.reject(new RangeError(`env.sleep(ms): ms must be a finite number ≥ 0, got ${String(ms)}`));
      } else {
        parts.wakeAfter(Math.ceil(ms), () => deferred.resolve());
      }
      return deferred.promise;
    },
    keyStore: Object.freeze(parts.keyStore),
  });
}
