// BUGGY — per-document key versions ("v1", "v2", …) kept in the shared backend, plus a cache in the page to
// save a round trip — keyed by the hint alone. Every document's first key is "v1", so a browser that opens a
// second document is handed the first document's key from its cache.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const cachedKeys = new Map<string, string>(); // the bug: the document is not part of the cache key

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const versions = await env.keyStore.list(`${documentId}/`);
      const hint = `v${versions.length + 1}`;
      const candidate = toHex(env.randomBytes(32));
      // Two browsers making the same version: the first write wins and the other takes its key.
      const key = (await env.keyStore.setIfAbsent(`${documentId}/${hint}`, candidate)) ? candidate : await env.keyStore.get(`${documentId}/${hint}`);
      if (key === undefined) throw new Error(`key ${hint} of ${documentId} vanished`);
      cachedKeys.set(hint, key);
      return { key, keyHint: hint };
    }
    const cached = cachedKeys.get(keyHint);
    if (cached !== undefined) return { key: cached };
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`404: no key ${keyHint} for ${documentId}`);
    cachedKeys.set(keyHint, key);
    return { key };
  };
}
