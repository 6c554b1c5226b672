// GOOD — retries a key-store write that failed or timed out with the same key, and trusts the store over its
// own memory: when setIfAbsent answers false, an earlier attempt may have been applied after all, so the key
// handed out is whatever the store holds under the hint.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const saveNewKey = async (id: string, key: string): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await env.keyStore.setIfAbsent(id, key)) return key;
        const stored = await env.keyStore.get(id);
        if (stored === undefined) throw new Error(`${id} is taken but holds no key`);
        return stored;
      } catch (error) {
        if (attempt === 3) throw error;
        await env.sleep(100 * attempt);
      }
    }
  };
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${toHex(env.randomBytes(8))}`;
      return { key: await saveNewKey(`${documentId}/${hint}`, toHex(env.randomBytes(32))), keyHint: hint };
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    return { key };
  };
}
