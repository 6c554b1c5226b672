// BUGGY — takes NIST SP 800-57's advice (a symmetric data-encryption key is used for at most about two years)
// and enforces it when a key is asked for by its hint. But the cryptoperiod limits how long a key may encrypt
// new data, not how long data encrypted with it must stay readable: a document whose session started with a
// key more than two years ago can no longer be opened by anyone.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const cryptoperiodMs = 2 * 365 * 24 * 60 * 60 * 1000;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      // The hint says when the key was made: 2026-01-01T00:00:00.120Z~9f3a…
      const hint = `${new Date(env.now()).toISOString()}~${toHex(env.randomBytes(8))}`;
      const key = toHex(env.randomBytes(32));
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) throw new Error(`hint ${hint} is taken`);
      return { key, keyHint: hint };
    }
    const createdAt = Date.parse(keyHint.split('~')[0] ?? '');
    if (!(env.now() - createdAt <= cryptoperiodMs)) throw new Error(`key ${keyHint} is past its cryptoperiod`);
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for ${keyHint}`);
    return { key };
  };
}
