// BUGGY — the schema and the creation are the good backend's, but a lookup checks that the hint exists and
// then answers the document's newest key ("the current key"), not the hinted one. When two requests both
// create a key for a new document, the browser whose hint names the older key is handed the newer one.
import type { BackendEnv } from '../../../src/index.ts';
import { issued, randomText, serveKeys, type KeyRow } from './serve-keys.ts';

// The good backend's table.
export { setup } from './good-backend.ts';

export function createBackend(env: BackendEnv) {
  const { db } = env;

  async function currentKey(documentId: string): Promise<(KeyRow & { recent: boolean }) | undefined> {
    const newest = await db.query<KeyRow & { recent: boolean }>(
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
