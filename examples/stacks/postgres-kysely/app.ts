// The key routes on Kysely. How a new key is stored is the one thing the good and the buggy backends differ in.
//
//   GET /api/documents/:id/key            the key new sessions of the document should use, and its hint
//   GET /api/documents/:id/key?keyHint=h  exactly the key issued under h (404 if there is none)
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { db, type Database } from './database.ts';

/** A key and its hint. */
export interface IssuedKey {
  key: string;
  keyHint: string;
}

/** Answers the key new sessions should use: the newest if recent, else a new one stored by the backend's way. */
export type NewSessionKey = (documentId: string, freshKey: string) => Promise<IssuedKey>;

/** The newest key of a document, and whether it was made within the last hour (on `on`: the pool or a transaction). */
export function newestKey(on: Kysely<Database>, documentId: string) {
  return on
    .selectFrom('document_keys')
    .select(['version', 'key', sql<boolean>`created_at > now() - interval '1 hour'`.as('recent')])
    .where('document_id', '=', documentId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The key stored as `version` of the document, if any. */
export async function keyAt(documentId: string, version: number): Promise<string | undefined> {
  const row = await db.selectFrom('document_keys').select('key').where('document_id', '=', documentId).where('version', '=', version).orderBy('created_at').executeTakeFirst();
  return row?.key;
}

/** A Fetch-standard handler serving the key routes. */
export function createApp(newSessionKey: NewSessionKey) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const match = /^\/api\/documents\/([^/]+)\/key$/.exec(url.pathname);
    if (match === null || request.method !== 'GET') return new Response('not found', { status: 404 });
    const documentId = decodeURIComponent(match[1] ?? '');
    const keyHint = url.searchParams.get('keyHint');
    if (keyHint !== null) {
      const version = /^v(\d+)$/.exec(keyHint)?.[1];
      const key = version === undefined ? undefined : await keyAt(documentId, Number(version));
      return key === undefined ? new Response('unknown key hint', { status: 404 }) : Response.json({ key, keyHint });
    }
    return Response.json(await newSessionKey(documentId, randomBytes(32).toString('base64')));
  };
}
