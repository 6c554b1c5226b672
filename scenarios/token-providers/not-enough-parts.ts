// Returns the token without its signature part (a copy-paste that lost the last segment).
import { claims, part } from './support.ts';

export function createTokenProvider(env: { clientId: string; now(): number }) {
  return async ({ documentId }: { documentId: string }) => ({ token: `${part(JSON.stringify({ alg: 'RS256' }))}.${part(JSON.stringify(claims(env.clientId, documentId, env.now())))}` });
}
