// BUGGY — a new random key on every call, under one fixed hint.
// Breaks "for any given key hint, the same encryption key must be returned every time".
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

export function createProvider(env: ProviderEnv) {
  return async (_request: ProviderRequest) => {
    const bytes = env.randomBytes(16);
    return { key: Buffer.from(bytes).toString('base64'), keyHint: 'current' };
  };
}
