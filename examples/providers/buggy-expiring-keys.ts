// BUGGY — keys expire after five seconds, and an expired hint silently gets a fresh key. A browser that
// joins later (or any session started from an older one) gets a key that does not open the document.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const lifetimeMs = 5_000;

export function createProvider(env: ProviderEnv) {
  const fresh = () => Buffer.from(env.randomBytes(24)).toString('base64');
  return async ({ documentId, keyHint }: ProviderRequest) => {
    const hint = keyHint ?? `${documentId}-${Math.floor(env.random() * 1e9)}`;
    const stored = await env.keyStore.get(hint);
    if (stored !== undefined) {
      const { key, madeAt } = JSON.parse(stored) as { key: string; madeAt: number };
      if (env.now() - madeAt < lifetimeMs) return { key, keyHint: hint };
    }
    const key = fresh();
    await env.keyStore.set(hint, JSON.stringify({ key, madeAt: env.now() }));
    return { key, keyHint: hint };
  };
}
