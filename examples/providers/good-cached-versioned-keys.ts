// GOOD — per-document key versions ("v1", "v2", …) kept in the shared backend, plus a cache in the page to
// save a round trip, keyed by document and hint: versions repeat across documents, so the document is part
// of every cache key.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const cachedKeys = new Map<string, string>(); // keyed by `${documentId}/${hint}`

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const versions = await env.keyStore.list(`${documentId}/`);
      const hint = `v${versions.length + 1}`;
      const candidate = toHex(env.randomBytes(32));
      // Two browsers making the same version: the first write wins and the other takes its key.
      const key = (await env.keyStore.setIfAbsent(`${documentId}/${hint}`, candidate)) ? candidate : await env.keyStore.get(`${documentId}/${hint}`);
      if (key === undefined) throw new Error(`key ${hint} of ${documentId} vanished`);
      cachedKeys.set(`${documentId}/${hint}`, key);
      return { key, keyHint: hint };
    }
    const cached = cachedKeys.get(`${documentId}/${keyHint}`);
    if (cached !== undefined) return { key: cached };
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`404: no key ${keyHint} for ${documentId}`);
    cachedKeys.set(`${documentId}/${keyHint}`, key);
    return { key };
  };
}
