// BUGGY — like the Web Locks provider beside it, the tabs of one browser take turns under a lock per document
// and share the keys they get over a BroadcastChannel. But a lookup by hint answers the document's shared key
// whatever hint was asked for: "one document, one key" — which only holds in one browser. When two browsers
// race, the loser asks for the winner's hint and gets its own tab-shared key: two keys for one hint.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

interface Issued {
  documentId: string;
  key: string;
  keyHint: string;
}

const issuedHere = new Map<string, Issued>();
const channel = new BroadcastChannel('rtc-issued-keys');
channel.onmessage = (event: MessageEvent<Issued>) => issuedHere.set(event.data.documentId, event.data);

async function fromKeyService(documentId: string, keyHint: string | null): Promise<{ key: string; keyHint: string }> {
  const query = keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`;
  const response = await fetch(`/api/documents/${encodeURIComponent(documentId)}/key${query}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`key service answered HTTP ${response.status}`);
  return (await response.json()) as { key: string; keyHint: string };
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  return navigator.locks.request(`rtc-key:${documentId}`, async () => {
    const known = issuedHere.get(documentId);
    if (known !== undefined) return keyHint === null ? { key: known.key, keyHint: known.keyHint } : { key: known.key };
    const issued = await fromKeyService(documentId, keyHint);
    const told: Issued = { documentId, ...issued };
    issuedHere.set(documentId, told);
    channel.postMessage(told);
    return keyHint === null ? { key: issued.key, keyHint: issued.keyHint } : { key: issued.key };
  });
}
