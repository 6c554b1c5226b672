// BUGGY — one row per document, made on first use and reused ever after. The insert is an upsert "so that
// two first visits do not fail on the primary key": when two requests both find no row, the second one's
// ON CONFLICT … DO UPDATE replaces the key of the row the first one created, under the first one's hint.
// The first browser's key is gone, and the hint it announced now answers a different key.
import type { BackendEnv } from '../../../src/index.ts';
import { issued, randomText, serveKeys, type KeyRow } from './serve-keys.ts';

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec(`
    CREATE TABLE document_keys (
      document_id text        PRIMARY KEY,
      key_hint    text        NOT NULL,
      key         text        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export function createBackend(env: BackendEnv) {
  const { db } = env;
  return serveKeys({
    async keyForNewSession(documentId) {
      const existing = await db.query<KeyRow>('SELECT key_hint, key FROM document_keys WHERE document_id = $1', [documentId]);
      if (existing.rows[0]) return issued(existing.rows[0]);

      const created = await db.query<KeyRow>(
        `INSERT INTO document_keys (document_id, key_hint, key) VALUES ($1, $2, $3)
         ON CONFLICT (document_id) DO UPDATE SET key = excluded.key
         RETURNING key_hint, key`,
        [documentId, randomText(env.randomBytes, 12, 'base64url'), randomText(env.randomBytes, 32)],
      );
      return issued(created.rows[0]!);
    },

    async keyByHint(documentId, keyHint) {
      const found = await db.query<KeyRow>('SELECT key_hint, key FROM document_keys WHERE document_id = $1 AND key_hint = $2', [documentId, keyHint]);
      return found.rows[0] && issued(found.rows[0]);
    },
  });
}
