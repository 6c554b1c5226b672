// GOOD — keys derived from a server-side master secret: HMAC(secret, documentId + hint).
// Nothing is stored, so nothing can be lost; the same hint always derives the same key.
import { createHmac } from 'node:crypto';
import type { ProviderRequest } from '../../src/index.ts';

const masterSecret = 'kept on the integrator backend, never in the browser bundle';
const currentVersion = 'v3';

export default async function provider({ documentId, keyHint }: ProviderRequest) {
  const hint = keyHint ?? currentVersion;
  const key = createHmac('sha256', masterSecret).update(`${documentId}:${hint}`).digest('base64');
  return { key, keyHint: hint };
}
