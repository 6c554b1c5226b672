// BUGGY — retries a key-store write that failed or timed out, but makes a fresh key on every attempt and
// ignores setIfAbsent's answer ("the hint is random, nobody else can have taken it"). Right when a timeout
// means "not written"; wrong when the timed-out write was in fact applied: the store then keeps the first
// key under the hint while the provider hands out the second.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const saveNewKey = async (id: string): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const key = toHex(env.randomBytes(32));
      try {
        await env.keyStore.setIfAbsent(id, key);
        return key;
      } catch (error) {
        if (attempt === 3) throw error;
        await env.sleep(100 * attempt);
      }
    }
  };
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${toHex(env.randomBytes(8))}`;
      return { key: await saveNewKey(`${documentId}/${hint}`), keyHint: hint };
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    return { key };
  };
}
