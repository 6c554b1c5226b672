// GOOD — the reference server's reuse rule (a new-key request reuses a key made within the last hour), for
// the whole backend at once: keys are stored by hint alone, so a hint reused by another document resolves
// there too. Documents may share a key; what matters is that each hint always answers the same one.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const hourMs = 60 * 60 * 1000;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  return async ({ keyHint }: ProviderRequest) => {
    if (keyHint !== null) {
      const key = await env.keyStore.get(`keys/${keyHint}`);
      if (key === undefined) throw new Error(`404: no key for hint ${keyHint}`);
      return { key };
    }
    const newest = await env.keyStore.get('newest');
    if (newest !== undefined) {
      const { hint, key, madeAt } = JSON.parse(newest) as { hint: string; key: string; madeAt: number };
      if (env.now() - madeAt < hourMs) return { key, keyHint: hint };
    }
    const hint = new Date(env.now()).toISOString();
    const candidate = toHex(env.randomBytes(32));
    const key = (await env.keyStore.setIfAbsent(`keys/${hint}`, candidate)) ? candidate : await env.keyStore.get(`keys/${hint}`);
    if (key === undefined) throw new Error(`key for ${hint} vanished`);
    await env.keyStore.set('newest', JSON.stringify({ hint, key, madeAt: env.now() }));
    return { key, keyHint: hint };
  };
}
