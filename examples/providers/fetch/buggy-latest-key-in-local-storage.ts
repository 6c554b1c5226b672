// BUGGY — saves a round trip: the key the key service last issued is kept in localStorage, and a new session
// opened within the hour reuses it, as TinyMCE's RTC tutorial reuses a recent key on the server. But the
// entry is the browser's, not the document's: a second tab of the same browser that opens another document
// within the hour gets the first document's key and hint, the RTC server records that hint for the second
// document, and nobody can ever look it up there — the key service never issued it for that document.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

interface IssuedKey {
  key: string;
  keyHint: string;
  issuedAt: number;
}

const latestKey = 'rtc-latest-key';
const reuseForMs = 60 * 60 * 1000;

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  if (keyHint === null) {
    const latest = JSON.parse(localStorage.getItem(latestKey) ?? 'null') as IssuedKey | null;
    if (latest !== null && Date.now() - latest.issuedAt < reuseForMs) return { key: latest.key, keyHint: latest.keyHint };
  }
  const query = keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`;
  const response = await fetch(`/api/documents/${encodeURIComponent(documentId)}/key${query}`);
  if (!response.ok) throw new Error(`key service answered HTTP ${response.status}`);
  const issued = (await response.json()) as { key: string; keyHint: string };
  if (keyHint === null) localStorage.setItem(latestKey, JSON.stringify({ ...issued, issuedAt: Date.now() }));
  return keyHint === null ? { key: issued.key, keyHint: issued.keyHint } : { key: issued.key };
}
