// GOOD — a fresh key per new session, kept forever in the shared backend under a unique hint.
// Every write is awaited before the key is handed out, and a hint is never reused or overwritten.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${toHex(env.randomBytes(8))}`;
      const key = toHex(env.randomBytes(32));
      const wrote = await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key);
      if (!wrote) throw new Error(`hint collision on ${hint}`);
      return { key, keyHint: hint };
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    return { key };
  };
}
