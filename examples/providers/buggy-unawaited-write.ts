// BUGGY — forgets to await the write of a new key, and treats a missing key as "make one". When the write
// lands after the server's announcement, the rejected browser finds nothing and creates a different key
// under the winner's hint.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

export function createProvider(env: ProviderEnv) {
  const freshKey = () => Buffer.from(env.randomBytes(32)).toString('base64');
  return async ({ documentId, keyHint }: ProviderRequest) => {
    const hint = keyHint ?? `${env.clientId}-${env.now()}`;
    const stored = keyHint === null ? undefined : await env.keyStore.get(`${documentId}/${hint}`);
    if (stored !== undefined) return { key: stored, keyHint: hint };
    const key = freshKey();
    void env.keyStore.set(`${documentId}/${hint}`, key); // the bug: not awaited
    return { key, keyHint: hint };
  };
}
