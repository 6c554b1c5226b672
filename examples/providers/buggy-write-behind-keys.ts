// BUGGY — write-behind: a new key is handed out at once and saved a little later, in a batch, to keep the
// answer fast; a browser that asks for a hint not saved yet waits for it. Every race comes out right as long
// as the creating browser lives — but if it crashes after its session is established and before the batch is
// saved, the key exists nowhere and nobody can ever open the document again.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const batchDelayMs = 2_000;

export function createProvider(env: ProviderEnv) {
  const unsaved = new Map<string, string>();
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    await env.sleep(batchDelayMs);
    for (const [id, key] of [...unsaved]) {
      for (;;) {
        try {
          await env.keyStore.set(id, key);
          break;
        } catch {
          await env.sleep(500);
        }
      }
      unsaved.delete(id);
    }
    flushing = undefined;
  };
  const waitForKey = async (id: string): Promise<string | undefined> => {
    for (let poll = 0; poll < 30; poll++) {
      const key = unsaved.get(id) ?? (await env.keyStore.get(id).catch(() => undefined));
      if (key !== undefined) return key;
      await env.sleep(250);
    }
    return undefined;
  };
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${toHex(env.randomBytes(8))}`;
      const key = toHex(env.randomBytes(32));
      unsaved.set(`${documentId}/${hint}`, key);
      flushing ??= flush();
      return { key, keyHint: hint };
    }
    const key = await waitForKey(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    return { key };
  };
}
