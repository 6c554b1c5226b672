// BUGGY — the reference server's reuse rule (a new-key request reuses a key made within the last hour), with
// keys stored per document but one "newest key" record for the whole backend. A second document reuses the
// first one's hint, and every browser that later asks for that hint on the second document gets a 404.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const hourMs = 60 * 60 * 1000;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint !== null) {
      const key = await env.keyStore.get(`${documentId}/${keyHint}`);
      if (key === undefined) throw new Error(`404: no key for hint ${keyHint}`);
      return { key };
    }
    const newest = await env.keyStore.get('newest'); // the bug: shared by every document
    if (newest !== undefined) {
      const { hint, key, madeAt } = JSON.parse(newest) as { hint: string; key: string; madeAt: number };
      if (env.now() - madeAt < hourMs) return { key, keyHint: hint };
    }
    const hint = new Date(env.now()).toISOString();
    const candidate = toHex(env.randomBytes(32));
    const key = (await env.keyStore.setIfAbsent(`${documentId}/${hint}`, candidate)) ? candidate : await env.keyStore.get(`${documentId}/${hint}`);
    if (key === undefined) throw new Error(`key for ${hint} vanished`);
    await env.keyStore.set('newest', JSON.stringify({ hint, key, madeAt: env.now() }));
    return { key, keyHint: hint };
  };
}
