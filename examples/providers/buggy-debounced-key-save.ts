// BUGGY — batches key-store writes: new keys are queued and saved together 500 ms after the last one (a
// debounce with setTimeout), and the key is handed to the editor at once. Until the batch lands, no other
// browser can find the key under its hint; if the page goes away first (a crash, a reload), it never lands.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

export function createProvider(env: ProviderEnv) {
  const pending = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = async () => {
    const batch = [...pending];
    pending.clear();
    await Promise.all(batch.map(([id, key]) => env.keyStore.setIfAbsent(id, key)));
  };
  const save = (id: string, key: string) => {
    pending.set(id, key);
    clearTimeout(timer);
    timer = setTimeout(() => {
      flush().catch((error) => console.error('saving keys failed', error));
    }, 500);
  };

  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = toHex(env.randomBytes(8));
      const key = toHex(env.randomBytes(32));
      save(`${documentId}/${hint}`, key);
      return { key, keyHint: hint };
    }
    const id = `${documentId}/${keyHint}`;
    const key = pending.get(id) ?? (await env.keyStore.get(id));
    if (key === undefined) throw new Error(`no key for ${id}`);
    return { key };
  };
}
