// GOOD — the pglite-raw-sql stack's correct backend, its SQL written with Kysely over env.db.
import { sql } from 'kysely';
import type { BackendEnv } from '../../src/index.ts';
import { kyselyOn } from '../../examples/glue/kysely.ts';
import { issued, randomText, serveKeys } from '../../examples/stacks/pglite-raw-sql/serve-keys.ts';

export { setup } from './schema.ts';

interface Database {
  document_keys: { document_id: string; key_hint: string; key: string; created_at: Date };
}

export function createBackend(env: BackendEnv) {
  const db = kyselyOn<Database>(env.db);
  return serveKeys({
    async keyForNewSession(documentId) {
      const recent = await db.selectFrom('document_keys').select(['key_hint', 'key'])
        .where('document_id', '=', documentId).where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
        .orderBy('created_at', 'desc').orderBy('key_hint').limit(1).executeTakeFirst();
      if (recent) return issued(recent);
      const created = await db.insertInto('document_keys')
        .values({ document_id: documentId, key_hint: randomText(env.randomBytes, 12, 'base64url'), key: randomText(env.randomBytes, 32), created_at: sql<Date>`now()` })
        .returning(['key_hint', 'key']).executeTakeFirstOrThrow();
      return issued(created);
    },
    async keyByHint(documentId, keyHint) {
      const found = await db.selectFrom('document_keys').select(['key_hint', 'key']).where('document_id', '=', documentId).where('key_hint', '=', keyHint).executeTakeFirst();
      return found && issued(found);
    },
  });
}
