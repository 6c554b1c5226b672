// BUGGY — tabs of one browser tell each other about new keys over a BroadcastChannel, so that a second tab
// of a document does not have to ask the key store. But a tab then answers "the document's key" for whatever
// hint it is asked about: when another browser won the race for the document, the hint it announces is not
// the one this browser's tab made, and the tab hands the editor the wrong key.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const knownByDocument = new Map<string, string>();
  const channel = new BroadcastChannel('rtc-keys');
  channel.onmessage = (event: MessageEvent<{ documentId: string; key: string }>) => knownByDocument.set(event.data.documentId, event.data.key);

  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = toHex(env.randomBytes(8));
      const key = toHex(env.randomBytes(32));
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) throw new Error(`hint ${hint} is taken`);
      channel.postMessage({ documentId, key });
      return { key, keyHint: hint };
    }
    const known = knownByDocument.get(documentId);
    if (known !== undefined) return { key: known };
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for ${keyHint}`);
    return { key };
  };
}
