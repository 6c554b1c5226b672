// BUGGY — keys stored with a 30-day time to live, as a cache entry would be ("nobody keeps a draft open for a
// month"). A document reopened after that finds no key for its session's hint, and its content is lost.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const timeToLiveMs = 30 * 24 * 60 * 60 * 1000;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${toHex(env.randomBytes(8))}`;
      const key = toHex(env.randomBytes(32));
      const entry = JSON.stringify({ key, expiresAt: env.now() + timeToLiveMs });
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, entry))) throw new Error(`hint collision on ${hint}`);
      return { key, keyHint: hint };
    }
    const stored = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (stored === undefined) throw new Error(`404: no key for hint ${keyHint}`);
    const { key, expiresAt } = JSON.parse(stored) as { key: string; expiresAt: number };
    if (env.now() >= expiresAt) {
      await env.keyStore.delete(`${documentId}/${keyHint}`);
      throw new Error(`404: key ${keyHint} expired`);
    }
    return { key };
  };
}
