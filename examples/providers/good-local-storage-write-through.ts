// GOOD — a write-through localStorage cache in front of the shared key store: a new key is stored in the
// key store first (setIfAbsent, so a hint names one key forever) and cached only once the store has it; a
// lookup tries the cache, then the store. A crash or reload keeps the cache; a fresh browser has none and
// asks the store.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const cached = (id: string) => localStorage.getItem(`rtc-key:${id}`);
  const cache = (id: string, key: string) => localStorage.setItem(`rtc-key:${id}`, key);

  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = toHex(env.randomBytes(12));
      const key = toHex(env.randomBytes(32));
      const id = `${documentId}/${hint}`;
      if (!(await env.keyStore.setIfAbsent(id, key))) throw new Error(`hint ${hint} is taken`);
      cache(id, key);
      return { key, keyHint: hint };
    }
    const id = `${documentId}/${keyHint}`;
    const key = cached(id) ?? (await env.keyStore.get(id));
    if (key === undefined) throw new Error(`no key for ${id}`);
    cache(id, key);
    return { key };
  };
}
