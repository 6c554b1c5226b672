// BUGGY — one row per document, replaced by every new key (ON CONFLICT DO UPDATE): a racing request's key
// overwrites the hint another browser already holds. Written with Kysely over env.db.
import type { BackendEnv } from '../../src/index.ts';
import { kyselyOn } from '../../examples/glue/kysely.ts';
import { issued, randomText, serveKeys } from '../../examples/stacks/pglite-raw-sql/serve-keys.ts';

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec('CREATE TABLE document_keys (document_id text PRIMARY KEY, key_hint text NOT NULL, key text NOT NULL)');
}

interface Database {
  document_keys: { document_id: string; key_hint: string; key: string };
}

export function createBackend(env: BackendEnv) {
  const db = kyselyOn<Database>(env.db);
  return serveKeys({
    async keyForNewSession(documentId) {
      const row = { document_id: documentId, key_hint: 'current', key: randomText(env.randomBytes, 32) };
      const saved = await db.insertInto('document_keys').values(row)
        .onConflict((conflict) => conflict.column('document_id').doUpdateSet({ key: row.key }))
        .returning(['key_hint', 'key']).executeTakeFirstOrThrow();
      return issued(saved);
    },
    async keyByHint(documentId, keyHint) {
      const found = await db.selectFrom('document_keys').select(['key_hint', 'key']).where('document_id', '=', documentId).where('key_hint', '=', keyHint).executeTakeFirst();
      return found && issued(found);
    },
  });
}
