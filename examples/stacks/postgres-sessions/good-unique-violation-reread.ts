// GOOD — let the constraint decide: (document_id, version) is the primary key, so of two creators of v1 one
// INSERT fails with SQLSTATE 23505 (unique_violation). The loser re-reads the row the winner committed and
// answers the winner's key under the winner's hint.
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
    CREATE TABLE document_keys (
      document_id text        NOT NULL,
      version     integer     NOT NULL,
      key         text        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (document_id, version)
    );
  `);
}

export function createBackend(env: BackendEnv) {
  const { db } = env;
  const byVersion = async (documentId: string, version: number) =>
    (await db.query<VersionRow>('SELECT version, key FROM document_keys WHERE document_id = $1 AND version = $2', [documentId, version])).rows[0];

  return serveKeys({
    async keyForNewSession(documentId) {
      const newest = await db.query<VersionRow>(
        `SELECT version, key, created_at > now() - interval '1 hour' AS recent FROM document_keys
          WHERE document_id = $1 ORDER BY version DESC LIMIT 1`,
        [documentId],
      );
      const latest = newest.rows[0];
      if (latest?.recent) return { key: latest.key, keyHint: `v${latest.version}` };
      const version = (latest?.version ?? 0) + 1;
      const key = randomText(env.randomBytes, 32);
      try {
        await db.query('INSERT INTO document_keys (document_id, version, key) VALUES ($1, $2, $3)', [documentId, version, key]);
        return { key, keyHint: `v${version}` };
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        const winner = await byVersion(documentId, version);
        if (winner === undefined) throw error;
        return { key: winner.key, keyHint: `v${version}` };
      }
    },

    async keyByHint(documentId, keyHint) {
      const version = /^v(\d+)$/.exec(keyHint)?.[1];
      if (version === undefined) return undefined;
      const found = await byVersion(documentId, Number(version));
      return found && { key: found.key, keyHint };
    },
  });
}
