// GOOD — a Fetch-standard key service on Postgres with raw SQL (env.db: PGlite's query/exec).
//
// Like TinyMCE's RTC tutorial, a key made within the last hour is shared by new sessions. Unlike it, every
// key gets a random hint and the primary key is (document_id, key_hint): a row is inserted once and never
// updated or deleted, so a hint names one key forever, however many requests race to create one.
import type { BackendEnv } from '../../../src/index.ts';
import { issued, randomText, serveKeys, type KeyRow } from './serve-keys.ts';

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
      if (recent.rows[0]) return issued(recent.rows[0]);

      // Two requests may both get here for one document. Each inserts its own row under its own hint, so
      // each browser holds a pair that stays true; the one that loses the RTC session then asks for the
      // winner's hint, and finds it.
      const created = await db.query<KeyRow>(
        'INSERT INTO document_keys (document_id, key_hint, key) VALUES ($1, $2, $3) RETURNING key_hint, key',
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
