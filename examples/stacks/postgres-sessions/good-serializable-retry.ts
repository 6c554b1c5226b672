// GOOD — the same check-then-insert, at SERIALIZABLE: when two transactions both read "no key yet" and both
// insert, the server aborts one of them with SQLSTATE 40001 (serialization_failure); the handler runs the
// whole transaction again, and the retry reads the winner's key. No lock, no unique constraint.
import type { BackendEnv } from '../../../src/index.ts';
import { randomText, serveKeys, type IssuedKey } from './serve-keys.ts';

/** This backend's env.db is a real PostgreSQL server's pool of sessions. */
export const database = 'postgres';

interface VersionRow {
  version: number;
  key: string;
  recent: boolean;
}

const attemptsMax = 5;

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec(`
    CREATE TABLE document_keys (
      document_id text        NOT NULL,
      version     integer     NOT NULL,
      key         text        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX document_keys_version ON document_keys (document_id, version);
  `);
}

export function createBackend(env: BackendEnv) {
  const { db } = env;

  const decide = (documentId: string): Promise<IssuedKey> =>
    db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
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

  return serveKeys({
    async keyForNewSession(documentId) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await decide(documentId);
        } catch (error) {
          if ((error as { code?: string }).code !== '40001' || attempt === attemptsMax) throw error;
        }
      }
    },

    async keyByHint(documentId, keyHint) {
      const version = /^v(\d+)$/.exec(keyHint)?.[1];
      if (version === undefined) return undefined;
      const found = await db.query<VersionRow>('SELECT version, key FROM document_keys WHERE document_id = $1 AND version = $2', [documentId, Number(version)]);
      return found.rows[0] && { key: found.rows[0].key, keyHint };
    },
  });
}
