// Hands out a token cached from ten minutes ago: it expired five minutes ago.
import type { JWTPayload } from 'jose';
import { claims } from './support.ts';

export function createTokenProvider(env: { clientId: string; now(): number; signToken(claims: JWTPayload): Promise<string> }) {
  return async ({ documentId }: { documentId: string }) => ({ token: await env.signToken(claims(env.clientId, documentId, env.now(), 600)) });
}
