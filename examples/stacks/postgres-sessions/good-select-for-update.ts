// GOOD — the check-then-insert made safe by a row lock: every document has a row in `documents`, and the
// transaction that decides its key first locks that row (SELECT … FOR UPDATE). A second creator's lock waits
// until the first commits; at READ COMMITTED its next SELECT then sees the first one's key, and reuses it.
import type { BackendEnv } from '../../../src/index.ts';
import { randomText, serveKeys } from './serve-keys.ts';

/** This backend's env.db is a real PostgreSQL server's pool of sessions. */
export const database = 'postgres';

interface VersionRow {
  version: number;
  key: string;
  recent: boolean;
}

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec(`
    CREATE TABLE documents (id text PRIMARY KEY);
    CREATE TABLE document_keys (
      document_id text        NOT NULL REFERENCES documents (id),
      version     integer     NOT NULL,
      key         text        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (document_id, version)
    );
  `);
}

export function createBackend(env: BackendEnv) {
  const { db } = env;
  return serveKeys({
    async keyForNewSession(documentId) {
      await db.query('INSERT INTO documents (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [documentId]);
      return db.transaction(async (tx) => {
        await tx.query('SELECT id FROM documents WHERE id = $1 FOR UPDATE', [documentId]);
        const newest = await tx.query<VersionRow>(
          `SELECT version, key, created_at > now() - interval '1 hour' AS recent FROM document_keys
            WHERE document_id = $1 ORDER BY version DESC LIMIT 1`,
          [documentId],
        );
        const latest = newest.rows[0];
        if (latest?.recent) return { key: latest.key, keyHint: `v${latest.version}` };
        const version = (latest?.version ?? 0) + 1;
        const key = randomText(env.randomBytes, 32);
        await tx.query('INSERT INTO document_keys (document_id, version, key) VALUES ($1, $2, $3)', [documentId, version, key]);
        return { key, keyHint: `v${version}` };
      });
    },

    async keyByHint(documentId, keyHint) {
      const version = /^v(\d+)$/.exec(keyHint)?.[1];
      if (version === undefined) return undefined;
      const found = await db.query<VersionRow>('SELECT version, key FROM document_keys WHERE document_id = $1 AND version = $2', [documentId, Number(version)]);
      return found.rows[0] && { key: found.rows[0].key, keyHint };
    },
  });
}
