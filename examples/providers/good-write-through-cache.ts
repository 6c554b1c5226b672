// GOOD — keeps the keys it has seen in memory to answer fast, but a new key is saved (and the save awaited)
// before it is handed out: a browser that crashes right after answering has lost nothing the others need.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const cache = new Map<string, string>();
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${toHex(env.randomBytes(8))}`;
      const key = toHex(env.randomBytes(32));
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) throw new Error(`hint collision on ${hint}`);
      cache.set(`${documentId}/${hint}`, key);
      return { key, keyHint: hint };
    }
    const id = `${documentId}/${keyHint}`;
    const key = cache.get(id) ?? (await env.keyStore.get(id));
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    cache.set(id, key);
    return { key };
  };
}
