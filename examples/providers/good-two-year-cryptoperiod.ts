// GOOD — the cryptoperiod where it belongs: a new session gets a fresh key once the document's current one is
// two years old (the one moment TinyMCE lets a provider rotate), and every key ever issued stays readable
// under its hint, however old, because older sessions may still be opened.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const cryptoperiodMs = 2 * 365 * 24 * 60 * 60 * 1000;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const current = async (documentId: string): Promise<{ key: string; keyHint: string } | undefined> => {
    const hints = await env.keyStore.list(`${documentId}/`);
    const newest = hints.at(-1)?.slice(documentId.length + 1);
    if (newest === undefined || env.now() - Date.parse(newest.split('~')[0] ?? '') > cryptoperiodMs) return undefined;
    const key = await env.keyStore.get(`${documentId}/${newest}`);
    return key === undefined ? undefined : { key, keyHint: newest };
  };
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const reused = await current(documentId);
      if (reused !== undefined) return reused;
      const hint = `${new Date(env.now()).toISOString()}~${toHex(env.randomBytes(8))}`;
      const key = toHex(env.randomBytes(32));
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) throw new Error(`hint ${hint} is taken`);
      return { key, keyHint: hint };
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for ${keyHint}`);
    return { key };
  };
}
