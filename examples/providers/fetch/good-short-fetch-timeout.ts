// GOOD — a short timeout on every call to the key service (AbortSignal.timeout, 3 s), as many integrators
// write it: a slow or cut-off network makes the provider throw, and TinyMCE's RTC plugin calls it again. The
// provider never invents a key of its own, so however long an outage lasts, every browser ends on the service's key.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  const query = keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`;
  const response = await fetch(`/api/documents/${encodeURIComponent(documentId)}/key${query}`, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`key service answered HTTP ${response.status}`);
  const { key, keyHint: hint } = (await response.json()) as { key: string; keyHint: string };
  return { key, keyHint: hint };
}
