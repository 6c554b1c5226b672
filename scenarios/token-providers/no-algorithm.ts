// Returns a token whose header names no algorithm.
import { claims, part } from './support.ts';

export function createTokenProvider(env: { clientId: string; now(): number }) {
  return async ({ documentId }: { documentId: string }) => ({
    token: `${part(JSON.stringify({ typ: 'JWT' }))}.${part(JSON.stringify(claims(env.clientId, documentId, env.now())))}.${part('signature')}`,
  });
}
