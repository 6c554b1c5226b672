// GOOD — retries the key service with exponential backoff (300 ms, 600 ms, 1.2 s …, as many HTTP client
// libraries do), waiting with setTimeout. A 404 for a known hint is final; a 5xx or a
// failed connection is retried; after 5 tries the error goes to TinyMCE, which calls the provider again.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function getKey(url: string): Promise<{ key: string; keyHint: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      if (response.ok) return await response.json();
      if (response.status < 500) throw Object.assign(new Error(`key service answered HTTP ${response.status}`), { final: true });
      throw new Error(`key service answered HTTP ${response.status}`);
    } catch (error) {
      if ((error as { final?: boolean }).final || attempt === 4) throw error;
      await sleep(300 * 2 ** attempt);
    }
  }
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  const url = `/api/documents/${encodeURIComponent(documentId)}/key${keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`}`;
  const { key, keyHint: hint } = await getKey(url);
  return { key, keyHint: hint };
}
