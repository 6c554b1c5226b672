// BUGGY — the check-then-insert of buggy-check-then-insert.ts, "fixed" with a lock: requests for the same
// document wait for one another, through a chain of promises kept per document in the module's memory. On one
// server process that does serialize them, and every test on a laptop passes. Production runs several
// processes behind a load balancer (replicas, cluster workers, the old and the new one during a deploy): each
// has its own map, so two creates of one document on two processes still both read "no key yet" and both
// insert v1, with different keys. Only the database can serialize them (a unique constraint, a row lock).
import type { BackendEnv } from '../../../src/index.ts';
import { randomText, serveKeys, type IssuedKey } from './serve-keys.ts';

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

// The tail of each document's queue: the next caller runs after it settles.
const queues = new Map<string, Promise<unknown>>();

function withDocumentLock<T>(documentId: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(documentId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  queues.set(documentId, tail);
  void tail.then(() => {
    if (queues.get(documentId) === tail) queues.delete(documentId);
  });
  return next;
}

export function createBackend(env: BackendEnv) {
  const { db } = env;
  return serveKeys({
    keyForNewSession: (documentId) =>
      withDocumentLock(documentId, async (): Promise<IssuedKey> => {
        const newest = await db.query<VersionRow>(
          `SELECT version, key, created_at > now() - interval '1 hour' AS recent FROM document_keys
            WHERE document_id = $1 ORDER BY version DESC LIMIT 1`,
          [documentId],
        );
        const latest = newest.rows[0];
        if (latest?.recent) return { key: latest.key, keyHint: `v${latest.version}` };

        const version = (latest?.version ?? 0) + 1;
        const key = randomText(env.randomBytes, 32);
        await db.query('INSERT INTO document_keys (document_id, version, key) VALUES ($1, $2, $3)', [documentId, version, key]);
        return { key, keyHint: `v${version}` };
      }),

    async keyByHint(documentId, keyHint) {
      const version = /^v(\d+)$/.exec(keyHint)?.[1];
      if (version === undefined) return undefined;
      const found = await db.query<VersionRow>('SELECT version, key FROM document_keys WHERE document_id = $1 AND version = $2 LIMIT 1', [documentId, Number(version)]);
      return found.rows[0] && { key: found.rows[0].key, keyHint };
    },
  });
}
