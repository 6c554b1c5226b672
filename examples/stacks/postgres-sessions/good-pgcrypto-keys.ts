// GOOD — keys made by the database itself with pgcrypto (every managed Postgres offers it): the key is
// gen_random_bytes(32), the hint a gen_random_uuid(), written with INSERT … ON CONFLICT DO NOTHING on the
// document's current-key row, and whoever loses the race reads the winner's row back.
import type { BackendEnv } from '../../../src/index.ts';
import { issued, serveKeys, type KeyRow } from './serve-keys.ts';

/** This backend's env.db is a real PostgreSQL server's pool of sessions. */
export const database = 'postgres';

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec(`
    CREATE EXTENSION IF NOT EXISTS pgcrypto;
    CREATE TABLE document_keys (
      document_id text        NOT NULL,
      key_hint    text        NOT NULL,
      key         text        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (document_id, key_hint)
    );
    -- At most one key per document per hour: the slot is the hour the key was made in.
    CREATE TABLE current_keys (
      document_id text    NOT NULL,
      hour        bigint  NOT NULL,
      key_hint    text    NOT NULL,
      PRIMARY KEY (document_id, hour)
    );
  `);
}

export function createBackend(env: BackendEnv) {
  const { db } = env;
  return serveKeys({
    async keyForNewSession(documentId) {
      const made = await db.query<KeyRow>(
        `WITH fresh AS (
           SELECT gen_random_uuid()::text AS key_hint, encode(gen_random_bytes(32), 'base64') AS key
         ), slot AS (
           INSERT INTO current_keys (document_id, hour, key_hint)
           SELECT $1, floor(extract(epoch FROM now()) / 3600)::bigint, key_hint FROM fresh
           ON CONFLICT (document_id, hour) DO NOTHING
           RETURNING key_hint
         )
         INSERT INTO document_keys (document_id, key_hint, key)
         SELECT $1, fresh.key_hint, fresh.key FROM fresh JOIN slot USING (key_hint)
         RETURNING key_hint, key`,
        [documentId],
      );
      if (made.rows[0] !== undefined) return issued(made.rows[0]);
      const current = await db.query<KeyRow>(
        `SELECT k.key_hint, k.key FROM current_keys c JOIN document_keys k USING (document_id, key_hint)
          WHERE c.document_id = $1 AND c.hour = floor(extract(epoch FROM now()) / 3600)::bigint`,
        [documentId],
      );
      if (current.rows[0] === undefined) throw new Error(`no current key for ${documentId}`);
      return issued(current.rows[0]);
    },

    async keyByHint(documentId, keyHint) {
      const found = await db.query<KeyRow>('SELECT key_hint, key FROM document_keys WHERE document_id = $1 AND key_hint = $2', [documentId, keyHint]);
      return found.rows[0] && issued(found.rows[0]);
    },
  });
}
