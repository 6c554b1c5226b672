// A token provider as an integrator's page would have it: ask the backend for a token for this user and
// document, signed on demand. In the simulation, env.signToken is that backend (it signs with the test key
// the simulated server trusts), and env.now() is this browser's clock.
import type { JWTPayload } from 'jose';

interface TokenEnv {
  readonly clientId: string;
  now(): number;
  signToken(claims: JWTPayload): Promise<string>;
}

export function createTokenProvider(env: TokenEnv) {
  return async ({ documentId }: { documentId: string }) => {
    const nowSeconds = Math.floor(env.now() / 1000);
    const claims = {
      sub: `user-${env.clientId}`,
      iat: nowSeconds,
      exp: nowSeconds + 600,
      'https://claims.tiny.cloud/rtc/document': documentId,
      'https://claims.tiny.cloud/rtc/role': 'editor',
    };
    return { token: await env.signToken(claims) };
  };
}
