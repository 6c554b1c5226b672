// The HTTP side every backend of this folder shares; they differ only in their SQL.
//
//   GET /api/documents/:id/key            the key new sessions of the document should use, and its hint
//   GET /api/documents/:id/key?keyHint=h  exactly the key issued under h (404 if there is none)

/** A key and the hint the RTC server stores beside the session it encrypts. */
export interface IssuedKey {
  key: string;
  keyHint: string;
}

/** A row of a table with `key_hint` and `key` columns, as the driver returns it. */
export interface KeyRow {
  key_hint: string;
  key: string;
}

/** The answer for a row. */
export const issued = (row: KeyRow): IssuedKey => ({ key: row.key, keyHint: row.key_hint });

/** Where the keys live. */
export interface KeyRepository {
  /** A key for a new session: an existing one the document may reuse, or a new one. */
  keyForNewSession(documentId: string): Promise<IssuedKey>;
  /** The key issued under `keyHint`, if there is one. */
  keyByHint(documentId: string, keyHint: string): Promise<IssuedKey | undefined>;
}

/** A Fetch-standard handler (`(request) => Response`) serving the key routes from `keys`. */
export function serveKeys(keys: KeyRepository) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const route = /^\/api\/documents\/([^/]+)\/key$/.exec(url.pathname);
    if (!route) return Response.json({ error: 'not found' }, { status: 404 });
    if (request.method !== 'GET') return new Response(null, { status: 405, headers: { allow: 'GET' } });

    const documentId = decodeURIComponent(route[1]!);
    const keyHint = url.searchParams.get('keyHint');
    if (keyHint === null) return Response.json(await keys.keyForNewSession(documentId));

    const found = await keys.keyByHint(documentId, keyHint);
    if (!found) return Response.json({ error: `no key ${keyHint} for document ${documentId}` }, { status: 404 });
    return Response.json(found);
  };
}

/** `length` random bytes from `randomBytes`, base64-encoded (URL-safe for hints that travel in a query string). */
export function randomText(randomBytes: (length: number) => Uint8Array, length: number, encoding: 'base64' | 'base64url' = 'base64'): string {
  return Buffer.from(randomBytes(length)).toString(encoding);
}
