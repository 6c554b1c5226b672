// BUGGY — keeps only the newest key: making a new one deletes the previous. When two browsers create at
// once, the loser's new key deletes the winner's, and the loser can no longer get the winner's key.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `k${Math.floor(env.random() * 1e12)}`;
      const key = Buffer.from(env.randomBytes(32)).toString('hex');
      const previous = await env.keyStore.get(`${documentId}/current`);
      if (previous !== undefined) await env.keyStore.delete(`${documentId}/key/${previous}`);
      await env.keyStore.set(`${documentId}/key/${hint}`, key);
      await env.keyStore.set(`${documentId}/current`, hint);
      return { key, keyHint: hint };
    }
    const key = await env.keyStore.get(`${documentId}/key/${keyHint}`);
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    return { key };
  };
}
