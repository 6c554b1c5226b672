// GOOD — keeps the keys it has seen in localStorage, so that reopening a document (after a reload, or in
// another tab) does not cost a round trip. The key service stays the source of truth: a new session always
// asks it for a key, a cached entry is only ever the server's own answer for that exact document and hint,
// and a cache that cannot be written (quota, private mode) is no error.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

interface KeyEntry {
  key: string;
  keyHint: string;
}

const cacheKey = (documentId: string, keyHint: string) => `rtc-key:${documentId}:${keyHint}`;

function remember(documentId: string, entry: KeyEntry): void {
  try {
    localStorage.setItem(cacheKey(documentId, entry.keyHint), entry.key);
  } catch {
    // A full or disabled localStorage only costs a round trip next time.
  }
}

async function fromServer(documentId: string, keyHint: string | null): Promise<KeyEntry> {
  const query = keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`;
  const response = await fetch(`/api/documents/${encodeURIComponent(documentId)}/key${query}`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`key service answered HTTP ${response.status} for ${documentId}`);
  return (await response.json()) as KeyEntry;
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  if (keyHint !== null) {
    const cached = localStorage.getItem(cacheKey(documentId, keyHint));
    if (cached !== null) return { key: cached };
  }
  const entry = await fromServer(documentId, keyHint);
  remember(documentId, entry);
  return keyHint === null ? { key: entry.key, keyHint: entry.keyHint } : { key: entry.key };
}
