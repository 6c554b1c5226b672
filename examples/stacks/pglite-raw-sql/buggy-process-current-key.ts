// BUGGY — the "current key" of each document kept in the server process's memory, to spare the database a
// query for every new session: the first process to need one makes it, stores it, and hands it to every new
// session of that document; a hint is answered from the database. On one process that never restarts, fine.
// After a restart, or with a second process behind a load balancer, two processes each make "the" current key
// of a document, under the same hint — "current" — and the table keeps whichever upsert came last: the other
// browser's key is gone, though its session was made with it.
import type { BackendEnv } from '../../../src/index.ts';
import { issued, randomText, serveKeys, type IssuedKey, type KeyRow } from './serve-keys.ts';

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec(`
    CREATE TABLE document_keys (
      document_id text NOT NULL,
      key_hint    text NOT NULL,
      key         text NOT NULL,
      PRIMARY KEY (document_id, key_hint)
    );
  `);
}

const currentKeys = new Map<string, Promise<IssuedKey>>();

export function createBackend(env: BackendEnv) {
  const { db } = env;
  const makeCurrentKey = async (documentId: string): Promise<IssuedKey> => {
    const stored = await db.query<KeyRow>(
      `INSERT INTO document_keys (document_id, key_hint, key) VALUES ($1, 'current', $2)
         ON CONFLICT (document_id, key_hint) DO UPDATE SET key = EXCLUDED.key
       RETURNING key_hint, key`,
      [documentId, randomText(env.randomBytes, 32)],
    );
    return issued(stored.rows[0]!);
  };
  return serveKeys({
    keyForNewSession(documentId) {
      let current = currentKeys.get(documentId);
      if (current === undefined) {
        current = makeCurrentKey(documentId);
        currentKeys.set(documentId, current);
        current.catch(() => currentKeys.delete(documentId));
      }
      return current;
    },

    async keyByHint(documentId, keyHint) {
      const found = await db.query<KeyRow>('SELECT key_hint, key FROM document_keys WHERE document_id = $1 AND key_hint = $2', [documentId, keyHint]);
      return found.rows[0] && issued(found.rows[0]);
    },
  });
}
