// BUGGY — the "fix" integrators reach for first: the check-then-insert of keys numbered per document ("v1",
// "v2", …) wrapped in a transaction. At Postgres's default isolation, READ COMMITTED, a transaction sees rows
// committed by others as each statement starts: two transactions that both SELECT before either INSERTs both
// read "no key yet", both insert v1 with different keys, and both commit — nothing in the schema stops them.
// On a database whose transactions ran one at a time this passes; on a real server it does not.
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
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX document_keys_version ON document_keys (document_id, version);
  `);
}

export function createBackend(env: BackendEnv) {
  const { db } = env;
  return serveKeys({
    keyForNewSession: (documentId) =>
      db.transaction(async (tx) => {
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
      }),

    async keyByHint(documentId, keyHint) {
      const version = /^v(\d+)$/.exec(keyHint)?.[1];
      if (version === undefined) return undefined;
      const found = await db.query<VersionRow>('SELECT version, key FROM document_keys WHERE document_id = $1 AND version = $2 ORDER BY created_at LIMIT 1', [documentId, Number(version)]);
      return found.rows[0] && { key: found.rows[0].key, keyHint };
    },
  });
}
