// GOOD — caches the keys it got from the key service in IndexedDB (where many apps keep key material),
// promisified the way browser code usually does it. The key service stays the source of truth: a new session
// always asks it, and the cache only ever holds the service's own answer for that exact document and hint.
// A reload keeps the cache; a fresh browser starts empty and asks the service.
import type { ProviderAnswer, ProviderRequest } from '../../../src/index.ts';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let database: Promise<IDBDatabase> | undefined;
function keysDatabase(): Promise<IDBDatabase> {
  if (database === undefined) {
    const opening = indexedDB.open('rtc-keys', 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore('keys');
    database = request(opening);
  }
  return database;
}

async function cached(id: string): Promise<string | undefined> {
  const db = await keysDatabase();
  return request<string | undefined>(db.transaction('keys').objectStore('keys').get(id));
}

async function cache(id: string, key: string): Promise<void> {
  const db = await keysDatabase();
  await request(db.transaction('keys', 'readwrite').objectStore('keys').put(key, id));
}

export default async function rtcEncryptionProvider({ documentId, keyHint }: ProviderRequest): Promise<ProviderAnswer> {
  if (keyHint !== null) {
    const hit = await cached(`${documentId}/${keyHint}`);
    if (hit !== undefined) return { key: hit };
  }
  const query = keyHint === null ? '' : `?keyHint=${encodeURIComponent(keyHint)}`;
  const response = await fetch(`/api/documents/${encodeURIComponent(documentId)}/key${query}`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`key service answered HTTP ${response.status} for ${documentId}`);
  const body = (await response.json()) as { key: string; keyHint: string };
  await cache(`${documentId}/${body.keyHint}`, body.key);
  return keyHint === null ? { key: body.key, keyHint: body.keyHint } : { key: body.key };
}
