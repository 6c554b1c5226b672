// The key service every provider of this folder fetches from: a Fetch-standard handler over a Redis-like
// store (env.keyStore). Keys are made once per hint and never changed; a hint is the key's creation time and
// a random suffix, as in TinyMCE's RTC tutorial.
//
//   GET /api/documents/:id/key            a new key for a new session, and its hint
//   GET /api/documents/:id/key?keyHint=h  exactly the key issued under h (404 if there is none)
import type { BackendEnv } from '../../../src/index.ts';

const text = (bytes: Uint8Array, encoding: 'base64' | 'base64url') => Buffer.from(bytes).toString(encoding);

export function createBackend(env: BackendEnv) {
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const route = /^\/api\/documents\/([^/]+)\/key$/.exec(url.pathname);
    if (!route) return Response.json({ error: 'not found' }, { status: 404 });
    const documentId = decodeURIComponent(route[1]!);
    const keyHint = url.searchParams.get('keyHint');
    if (keyHint === null) {
      const hint = `${new Date(env.now()).toISOString()}~${text(env.randomBytes(6), 'base64url')}`;
      const key = text(env.randomBytes(32), 'base64');
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) return Response.json({ error: 'hint taken' }, { status: 409 });
      return Response.json({ key, keyHint: hint });
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) return Response.json({ error: `no key ${keyHint} for ${documentId}` }, { status: 404 });
    return Response.json({ key, keyHint });
  };
}
