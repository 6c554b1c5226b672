// The key routes on Drizzle. How a new key is stored is the one thing the good and the buggy app differ in.
//
//   GET /api/documents/:id/key            the key new sessions of the document should use, and its hint
//   GET /api/documents/:id/key?keyHint=h  exactly the key issued under h (404 if there is none)
import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { db } from './db/client.ts';
import { documentKeys } from './db/schema.ts';

/** A key and its hint. */
export interface IssuedKey {
  key: string;
  keyHint: string;
}

/** Stores `key` as `version` of the document: the answer is the key that version now names. */
export type StoreKey = (documentId: string, version: number, key: string) => Promise<IssuedKey>;

/** The newest key of a document, and whether it was made within the last hour. */
async function newestKey(documentId: string) {
  const [latest] = await db
    .select({ version: documentKeys.version, key: documentKeys.key, recent: sql<boolean>`${documentKeys.createdAt} > now() - interval '1 hour'` })
    .from(documentKeys)
    .where(eq(documentKeys.documentId, documentId))
    .orderBy(desc(documentKeys.version))
    .limit(1);
  return latest;
}

/** The key stored as `version` of the document, if any. */
export async function keyAt(documentId: string, version: number): Promise<string | undefined> {
  const [row] = await db.select({ key: documentKeys.key }).from(documentKeys).where(and(eq(documentKeys.documentId, documentId), eq(documentKeys.version, version)));
  return row?.key;
}

/** A Fetch-standard handler serving the key routes, storing new keys with `store`. */
export function createApp(store: StoreKey) {
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
    const latest = await newestKey(documentId);
    if (latest?.recent) return Response.json({ key: latest.key, keyHint: `v${latest.version}` });
    const issued = await store(documentId, (latest?.version ?? 0) + 1, randomBytes(32).toString('base64'));
    return Response.json(issued);
  };
}
