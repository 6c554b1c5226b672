// GOOD — keys rotate monthly: a new-key request reuses the document's key if it is less than 30 days old,
// else makes a new one. Old keys are never deleted, since a session made with one may be reopened at any time.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const rotationMs = 30 * 24 * 60 * 60 * 1000;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint !== null) {
      const key = await env.keyStore.get(`${documentId}/keys/${keyHint}`);
      if (key === undefined) throw new Error(`404: no key for hint ${keyHint}`);
      return { key };
    }
    const current = await env.keyStore.get(`${documentId}/current`);
    if (current !== undefined) {
      const { hint, madeAt } = JSON.parse(current) as { hint: string; madeAt: number };
      const key = env.now() - madeAt < rotationMs ? await env.keyStore.get(`${documentId}/keys/${hint}`) : undefined;
      if (key !== undefined) return { key, keyHint: hint };
    }
    const hint = `key-${toHex(env.randomBytes(8))}`;
    const key = toHex(env.randomBytes(32));
    if (!(await env.keyStore.setIfAbsent(`${documentId}/keys/${hint}`, key))) throw new Error(`hint collision on ${hint}`);
    await env.keyStore.set(`${documentId}/current`, JSON.stringify({ hint, madeAt: env.now() }));
    return { key, keyHint: hint };
  };
}
