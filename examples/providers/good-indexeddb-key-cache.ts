// GOOD — caches keys in IndexedDB (where many apps keep key material), written the way browser code
// promisifies it. The shared key store is the source of truth: a new key is stored there first, and the
// cache only ever holds what the store confirmed. A reload keeps the cache; a fresh browser starts empty.
import type { ProviderEnv, ProviderRequest } from '../../src/index.ts';

const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openCache(): Promise<IDBDatabase> {
  const opening = indexedDB.open('rtc-keys', 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('keys');
  return request(opening);
}

export function createProvider(env: ProviderEnv) {
  const database = openCache();
  const cached = async (id: string): Promise<string | undefined> => {
    const db = await database;
    return request<string | undefined>(db.transaction('keys').objectStore('keys').get(id));
  };
  const cache = async (id: string, key: string): Promise<void> => {
    const db = await database;
    await request(db.transaction('keys', 'readwrite').objectStore('keys').put(key, id));
  };

  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = toHex(env.randomBytes(12));
      const key = toHex(env.randomBytes(32));
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) throw new Error(`hint ${hint} is taken`);
      await cache(`${documentId}/${hint}`, key);
      return { key, keyHint: hint };
    }
    const id = `${documentId}/${keyHint}`;
    const key = (await cached(id)) ?? (await env.keyStore.get(id));
    if (key === undefined) throw new Error(`no key for ${id}`);
    await cache(id, key);
    return { key };
  };
}
