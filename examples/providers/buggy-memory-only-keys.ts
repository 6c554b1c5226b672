// BUGGY — keys kept only in the browser's memory (a module-level Map). Each browser has its own copy, so a
// rejected client cannot find the winner's key, and quietly makes one of its own for that hint.
import type { ProviderRequest } from '../../src/index.ts';

const keysByHint = new Map<string, string>();

export default async function provider({ documentId, keyHint }: ProviderRequest) {
  const hint = keyHint ?? `${documentId}-${crypto.randomUUID()}`;
  let key = keysByHint.get(hint);
  if (key === undefined) {
    key = crypto.randomUUID();
    keysByHint.set(hint, key);
  }
  return { key, keyHint: hint };
}
