// GOOD — bounds every key-store call with Promise.race against a 2 s setTimeout and retries, but retries the
// same write (setIfAbsent under the same hint, with the same key) and then trusts what the store holds: a
// call that timed out may still have landed, and the retry must not make a second key for one hint.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createProvider(env: ProviderEnv) {
  const attempt = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let tries = 1; ; tries++) {
      try {
        return await withTimeout(call(), 2_000);
      } catch (error) {
        if (tries === 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * tries));
      }
    }
  };

  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = toHex(env.randomBytes(8));
      const id = `${documentId}/${hint}`;
      const key = toHex(env.randomBytes(32));
      await attempt(() => env.keyStore.setIfAbsent(id, key));
      const stored = await attempt(() => env.keyStore.get(id));
      if (stored === undefined) throw new Error(`${id} was not stored`);
      return { key: stored, keyHint: hint };
    }
    const key = await attempt(() => env.keyStore.get(`${documentId}/${keyHint}`));
    if (key === undefined) throw new Error(`no key for ${keyHint}`);
    return { key };
  };
}
