// BUGGY — keys are numbered per document (hints "v1", "v2", …): read the newest version, insert the next.
// Two requests that both read "no key yet" both insert v1 with different keys; the index is not unique, so
// nothing stops them. A lookup of v1 then answers whichever row comes first, and one browser's key is lost.
import type { Knex } from 'knex';
import type { DocumentKeys, RandomText } from './document-keys.ts';

export async function createVersionedKeysTable(db: Knex): Promise<void> {
  await db.schema.createTable('document_keys', (table) => {
    table.text('document_id').notNullable();
    table.integer('version').notNullable();
    table.text('key').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    table.index(['document_id', 'version']);
  });
}

export function versionedKeys(db: Knex, randomText: RandomText): DocumentKeys {
  return {
    async forNewSession(documentId) {
      const latest = await db('document_keys')
        .where('document_id', documentId)
        .orderBy('version', 'desc')
        .first('version', 'key', db.raw(`created_at > now() - interval '1 hour' as recent`));
      if (latest?.recent) return { key: latest.key, keyHint: `v${latest.version}` };

      const version = (latest?.version ?? 0) + 1;
      const key = randomText(32);
      await db('document_keys').insert({ document_id: documentId, version, key });
      return { key, keyHint: `v${version}` };
    },

    async byHint(documentId, keyHint) {
      const version = /^v(\d+)$/.exec(keyHint)?.[1];
      if (version === undefined) return undefined;
      const row = await db('document_keys').where({ document_id: documentId, version: Number(version) }).first('key');
      return row && { key: row.key, keyHint };
    },
  };
}
