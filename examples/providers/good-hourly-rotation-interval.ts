// GOOD — a tab that stays open for days rotates the key new sessions get every hour: a setInterval forgets
// the key it handed out, so the next new session makes another. Keys live in the shared key store under
// their own hints for ever, so a session started with any of them can always be reopened.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const currentByDocument = new Map<string, { key: string; keyHint: string }>();
  setInterval(() => currentByDocument.clear(), 60 * 60 * 1000);

  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const current = currentByDocument.get(documentId);
      if (current !== undefined) return current;
      const made = { key: toHex(env.randomBytes(32)), keyHint: `k-${toHex(env.randomBytes(8))}` };
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${made.keyHint}`, made.key))) throw new Error(`hint ${made.keyHint} is taken`);
      currentByDocument.set(documentId, made);
      return made;
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for ${keyHint}`);
    return { key };
  };
}
