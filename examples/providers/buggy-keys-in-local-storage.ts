// BUGGY — "keys must survive a reload, so keep them in localStorage": the key is made in the browser and
// stored there only. It does survive a reload of this browser; but localStorage belongs to one browser
// profile, so every other user's browser that joins the session, and this user on another device, has no
// way to get the key for its hint.
import type { ProviderAnswer, ProviderRequest } from '../../src/index.ts';

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  const storageKey = (hint: string) => `rtc-encryption:${documentId}:${hint}`;
  if (keyHint === null) {
    const hint = crypto.randomUUID();
    const key = toBase64(crypto.getRandomValues(new Uint8Array(32)));
    localStorage.setItem(storageKey(hint), key);
    return { key, keyHint: hint };
  }
  const key = localStorage.getItem(storageKey(keyHint));
  if (key === null) throw new Error(`no key for ${documentId} under ${keyHint}`);
  return { key };
}
