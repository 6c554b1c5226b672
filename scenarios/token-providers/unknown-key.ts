// Signs with a key pair whose public key was never added to the account's JWK set.
import type { JWTPayload } from 'jose';
import { claims } from './support.ts';

export function createTokenProvider(env: { clientId: string; now(): number; signToken(claims: JWTPayload, options?: { key?: 'test' | 'other' }): Promise<string> }) {
  return async ({ documentId }: { documentId: string }) => ({ token: await env.signToken(claims(env.clientId, documentId, env.now()), { key: 'other' }) });
}
