// GOOD — the tabs of one browser take turns: a Web Lock per document (navigator.locks) around the call to the
// key service, and every key the service issues is told to the browser's other tabs over a BroadcastChannel
// opened when the module loads. A tab that finds, under the lock, a key another tab already got for that very
// document answers it with its hint, instead of asking for another; a lookup by hint answers the key issued
// under exactly that hint. The key service stays the source of truth: a fresh browser asks it.
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
  if (!navigator.onLine) throw new Error('offline');
  const query = keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`;
  const response = await fetch(`/api/documents/${encodeURIComponent(documentId)}/key${query}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`key service answered HTTP ${response.status}`);
  return (await response.json()) as { key: string; keyHint: string };
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  if (keyHint !== null) {
    const known = issuedHere.get(documentId);
    if (known?.keyHint === keyHint) return { key: known.key };
    return { key: (await fromKeyService(documentId, keyHint)).key };
  }
  return navigator.locks.request(`rtc-key:${documentId}`, async () => {
    const known = issuedHere.get(documentId);
    if (known !== undefined) return { key: known.key, keyHint: known.keyHint };
    const issued = await fromKeyService(documentId, null);
    const told: Issued = { documentId, ...issued };
    issuedHere.set(documentId, told);
    channel.postMessage(told);
    return { key: issued.key, keyHint: issued.keyHint };
  });
}
