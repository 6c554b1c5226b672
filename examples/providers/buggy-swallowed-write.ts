// BUGGY — treats the key-store write as best effort: when the write fails, the error is swallowed and the
// unsaved key is handed out anyway. The session is then encrypted with a key nobody else can ever get.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${toHex(env.randomBytes(8))}`;
      const key = toHex(env.randomBytes(32));
      try {
        await env.keyStore.set(`${documentId}/${hint}`, key);
      } catch {
        // "the backend is flaky, the key will be saved next time" — it will not.
      }
      return { key, keyHint: hint };
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    return { key };
  };
}
