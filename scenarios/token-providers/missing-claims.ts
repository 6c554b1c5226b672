// Signs a token that names no user (`sub`) and never expires (`exp`): both are required.
import type { JWTPayload } from 'jose';

export function createTokenProvider(env: { now(): number; signToken(claims: JWTPayload): Promise<string> }) {
  return async () => ({ token: await env.signToken({ iat: Math.floor(env.now() / 1000) }) });
}
