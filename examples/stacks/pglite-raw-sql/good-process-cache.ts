// GOOD — good-backend.ts with a cache in each server process's memory: a key, once read or made, is kept by
// its hint (a bounded Map, oldest out first). Several processes behind a load balancer each hold their own
// copy, and that is harmless: a row is never updated or deleted, so whatever any process cached under a hint
// is what the database holds under it, forever. (A cache of "the document's current key" would not be: that
// answer changes, and each process would keep its own.)
import type { BackendEnv } from '../../../src/index.ts';
import { issued, randomText, serveKeys, type IssuedKey, type KeyRow } from './serve-keys.ts';

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec(`
    CREATE TABLE document_keys (
      document_id text        NOT NULL,
      key_hint    text        NOT NULL,
      key         text        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (document_id, key_hint)
    );
  `);
}

const cacheEntriesMax = 1_000;

/** Issued keys by `documentId hint`, in the order they were cached. */
const byHint = new Map<string, IssuedKey>();

function remember(documentId: string, key: IssuedKey): IssuedKey {
  byHint.set(`${documentId} ${key.keyHint}`, key);
  if (byHint.size > cacheEntriesMax) byHint.delete(byHint.keys().next().value!);
  return key;
}

export function createBackend(env: BackendEnv) {
  const { db } = env;
  return serveKeys({
    async keyForNewSession(documentId) {
      const recent = await db.query<KeyRow>(
        `SELECT key_hint, key FROM document_keys
          WHERE document_id = $1 AND created_at > now() - interval '1 hour'
          ORDER BY created_at DESC, key_hint LIMIT 1`,
        [documentId],
      );
      if (recent.rows[0]) return remember(documentId, issued(recent.rows[0]));
      const created = await db.query<KeyRow>(
        'INSERT INTO document_keys (document_id, key_hint, key) VALUES ($1, $2, $3) RETURNING key_hint, key',
        [documentId, randomText(env.randomBytes, 12, 'base64url'), randomText(env.randomBytes, 32)],
      );
      return remember(documentId, issued(created.rows[0]!));
    },

    async keyByHint(documentId, keyHint) {
      const cached = byHint.get(`${documentId} ${keyHint}`);
      if (cached) return cached;
      const found = await db.query<KeyRow>('SELECT key_hint, key FROM document_keys WHERE document_id = $1 AND key_hint = $2', [documentId, keyHint]);
      return found.rows[0] && remember(documentId, issued(found.rows[0]));
    },
  });
}
