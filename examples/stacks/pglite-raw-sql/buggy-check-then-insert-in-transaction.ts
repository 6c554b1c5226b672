// BUGGY — the versioned check-then-insert of buggy-check-then-insert.ts, "fixed" the way integrators reach for
// first: both statements inside `env.db.transaction(fn)`. This module says nothing about its database, so it
// gets the default: a real PostgreSQL server's pool at READ COMMITTED, where each statement of a transaction
// sees what others committed before it started. Two transactions that both SELECT before either INSERTs both
// read "no key yet" and both insert v1. On a database whose transactions ran one at a time (PGlite) it passed.
import type { BackendEnv } from '../../../src/index.ts';
import { randomText, serveKeys } from './serve-keys.ts';

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
