// BUGGY — the schema and the creation are the good backend's, but a lookup checks that the hint exists and
// then answers the document's newest key ("the current key"), not the hinted one. When two requests both
// create a key for a new document, the browser whose hint names the older key is handed the newer one.
import type { BackendEnv } from '../../../src/index.ts';
import { randomText, serveKeys, type IssuedKey } from './serve-keys.ts';

interface KeyRow {
  key_hint: string;
  key: string;
  recent: boolean;
}

const issued = (row: KeyRow): IssuedKey => ({ key: row.key, keyHint: row.key_hint });

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

  async function currentKey(documentId: string): Promise<KeyRow | undefined> {
    const newest = await db.query<KeyRow>(
      `SELECT key_hint, key, created_at > now() - interval '1 hour' AS recent FROM document_keys
        WHERE document_id = $1 ORDER BY created_at DESC, key_hint LIMIT 1`,
      [documentId],
    );
    return newest.rows[0];
  }

  return serveKeys({
    async keyForNewSession(documentId) {
      const current = await currentKey(documentId);
      if (current?.recent) return issued(current);
      const created = await db.query<KeyRow>(
        'INSERT INTO document_keys (document_id, key_hint, key) VALUES ($1, $2, $3) RETURNING key_hint, key',
        [documentId, randomText(env.randomBytes, 12, 'base64url'), randomText(env.randomBytes, 32)],
      );
      return issued(created.rows[0]!);
    },

    async keyByHint(documentId, keyHint) {
      const known = await db.query('SELECT 1 FROM document_keys WHERE document_id = $1 AND key_hint = $2', [documentId, keyHint]);
      if (known.rows.length === 0) return undefined;
      const current = await currentKey(documentId);
      return current && { key: current.key, keyHint };
    },
  });
}
