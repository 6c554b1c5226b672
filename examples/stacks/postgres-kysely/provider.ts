// The browser half of the stack: TinyMCE calls rtc_encryption_provider with the document id, and with the
// key hint the RTC server announced when this browser joins a session someone else started. The key comes
// from our own backend (same origin, so the session cookie goes along); it never reaches Tiny's servers.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

interface KeyResponse {
  key: string;
  keyHint: string;
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  const response = await fetch(
    '/api/documents/' + encodeURIComponent(documentId) + '/key' + (keyHint ? '?keyHint=' + encodeURIComponent(keyHint) : ''),
    { headers: { accept: 'application/json' } },
  );
  // A rejected promise makes the RTC plugin retry, then give up on the session: never invent a key here.
  if (!response.ok) throw new Error(`could not get the encryption key of ${documentId}: HTTP ${response.status}`);
  const body = (await response.json()) as KeyResponse;
  return { key: body.key, keyHint: body.keyHint };
}
