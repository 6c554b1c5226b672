// GOOD — the pglite-raw-sql stack's correct backend, its SQL written with knex over env.db.
import type { BackendEnv } from '../../src/index.ts';
import { knexOn } from '../../examples/glue/knex.ts';
import { issued, randomText, serveKeys, type KeyRow } from '../../examples/stacks/pglite-raw-sql/serve-keys.ts';

export { setup } from './schema.ts';

export function createBackend(env: BackendEnv) {
  const db = knexOn(env.db);
  return serveKeys({
    async keyForNewSession(documentId) {
      const recent = await db<KeyRow>('document_keys').select('key_hint', 'key').where('document_id', documentId)
        .andWhere('created_at', '>', db.raw("now() - interval '1 hour'")).orderBy([{ column: 'created_at', order: 'desc' }, 'key_hint']).first();
      if (recent) return issued(recent);
      const [created] = await db('document_keys')
        .insert({ document_id: documentId, key_hint: randomText(env.randomBytes, 12, 'base64url'), key: randomText(env.randomBytes, 32) })
        .returning<KeyRow[]>(['key_hint', 'key']);
      return issued(created!);
    },
    async keyByHint(documentId, keyHint) {
      const found = await db<KeyRow>('document_keys').select('key_hint', 'key').where('document_id', documentId).andWhere('key_hint', keyHint).first();
      return found && issued(found);
    },
  });
}
