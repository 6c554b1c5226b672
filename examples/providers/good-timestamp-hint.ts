// GOOD — the reference server's scheme (hint = ISO creation time; a new-key request reuses a key made within
// the last hour), made race-proof: the key is written with setIfAbsent, and when another browser wrote the
// same hint first, its key is the one returned.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const hourMs = 60 * 60 * 1000;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

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
    const candidate = toHex(env.randomBytes(32));
    if (await env.keyStore.setIfAbsent(prefix + hint, candidate)) return { key: candidate, keyHint: hint };
    const key = await env.keyStore.get(prefix + hint);
    if (key === undefined) throw new Error(`key for ${hint} vanished`);
    return { key, keyHint: hint };
  };
}
