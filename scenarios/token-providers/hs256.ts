// Signs with HS256 and a shared secret: RTC accepts only asymmetric algorithms.
import { claims, hs256Token } from './support.ts';

export function createTokenProvider(env: { clientId: string; now(): number }) {
  return async ({ documentId }: { documentId: string }) => ({ token: hs256Token(claims(env.clientId, documentId, env.now()), 'a shared secret') });
}
