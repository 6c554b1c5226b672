// GOOD — the fetch timeout most integrators write by hand: an AbortController aborted by setTimeout after
// 10 s, cleared when the answer comes. On timeout the error is rethrown, so TinyMCE's RTC plugin calls the
// provider again; the provider never invents a key of its own.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

const timeoutMs = 10_000;

async function fetchJson(url: string): Promise<{ key: string; keyHint: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`key service answered HTTP ${response.status}`);
    return await response.json();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw new Error(`key service did not answer within ${timeoutMs} ms`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  const url = `/api/documents/${encodeURIComponent(documentId)}/key${keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`}`;
  const { key, keyHint: hint } = await fetchJson(url);
  return { key, keyHint: hint };
}
