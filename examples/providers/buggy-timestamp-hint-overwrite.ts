// BUGGY — the reference server's scheme (hint = ISO creation time, reuse a key made within the last hour)
// with a plain set: two browsers that create in the same millisecond get the same hint, and the later
// write silently replaces the earlier key.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const hourMs = 60 * 60 * 1000;

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    const prefix = `${documentId}/`;
    if (keyHint !== null) {
      const key = await env.keyStore.get(prefix + keyHint);
      if (key === undefined) throw new Error(`404: no key for hint ${keyHint}`);
      return { key };
    }
    const hints = await env.keyStore.list(prefix);
    const newest = hints.at(-1)?.slice(prefix.length);
    if (newest !== undefined && env.now() - Date.parse(newest) < hourMs) {
      const key = await env.keyStore.get(prefix + newest);
      if (key !== undefined) return { key, keyHint: newest };
    }
    const hint = new Date(env.now()).toISOString();
    const key = Buffer.from(env.randomBytes(32)).toString('hex');
    await env.keyStore.set(prefix + hint, key);
    return { key, keyHint: hint };
  };
}
