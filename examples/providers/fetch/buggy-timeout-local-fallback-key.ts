// BUGGY — gives the key service 3 s (AbortSignal.timeout) and, when it does not answer in time, makes up a
// key in the browser (kept in localStorage) so that the editor opens anyway. That key exists in this tab only: the server records
// its hint, and every other browser that asks the key service for that hint gets a 404, or, if this browser
// lost the race, it holds a key nobody else has.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

function localKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  const url = `/api/documents/${encodeURIComponent(documentId)}/key${keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { key: string; keyHint: string };
    return { key: body.key, keyHint: body.keyHint };
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'TimeoutError')) throw error;
    // "Never block the editor": a local key, remembered in localStorage so that a reload finds it again.
    const hint = keyHint ?? `local-${crypto.randomUUID()}`;
    const remembered = `rtc-fallback-key:${documentId}:${hint}`;
    let key = localStorage.getItem(remembered);
    if (key === null) {
      key = localKey();
      localStorage.setItem(remembered, key);
    }
    return keyHint === null ? { key, keyHint: hint } : { key };
  }
}
