// Sets nbf ten minutes ahead ("valid from the next shift"): the token is not valid yet.
import type { JWTPayload } from 'jose';
import { claims } from './support.ts';

export function createTokenProvider(env: { clientId: string; now(): number; signToken(claims: JWTPayload): Promise<string> }) {
  return async ({ documentId }: { documentId: string }) => ({
    token: await env.signToken({ ...claims(env.clientId, documentId, env.now()), nbf: Math.floor(env.now() / 1000) + 600 }),
  });
}
