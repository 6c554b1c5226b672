// BUGGY — one row per document, made on first use and reused ever after. The insert is an upsert "so that
// two first visits do not fail on the primary key": when two requests both find no row, the second one's
// ON CONFLICT … DO UPDATE (knex's .onConflict().merge()) replaces the key of the row the first one made,
// under the first one's hint. The first browser's key is gone; its hint now answers another key.
import type { Knex } from 'knex';
import type { DocumentKeys, RandomText } from './document-keys.ts';

export async function createOneKeyPerDocumentTable(db: Knex): Promise<void> {
  await db.schema.createTable('document_keys', (table) => {
    table.text('document_id').primary();
    table.text('key_hint').notNullable();
    table.text('key').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export function oneKeyPerDocument(db: Knex, randomText: RandomText): DocumentKeys {
  return {
    async forNewSession(documentId) {
      const existing = await db('document_keys').where('document_id', documentId).first('key', { keyHint: 'key_hint' });
      if (existing) return existing;

      const [created] = await db('document_keys')
        .insert({ document_id: documentId, key_hint: randomText(12, 'base64url'), key: randomText(32) })
        .onConflict('document_id')
        .merge(['key'])
        .returning(['key', 'key_hint as keyHint']);
      return created;
    },

    async byHint(documentId, keyHint) {
      return db('document_keys').where({ document_id: documentId, key_hint: keyHint }).first('key', { keyHint: 'key_hint' });
    },
  };
}
