// GOOD — every key gets a random hint, the primary key is (document_id, key_hint), and a row is inserted
// once and never updated or deleted: a hint names one key forever, however many requests race to make one.
// A key made within the last hour is shared by new sessions, as in TinyMCE's RTC tutorial.
import type { Knex } from 'knex';

/** A key and the hint the RTC server stores beside the session it encrypts. */
export interface IssuedKey {
  key: string;
  keyHint: string;
}

/** The key queries the route needs. */
export interface DocumentKeys {
  /** A key for a new session: a recent one of the document, or a new one. */
  forNewSession(documentId: string): Promise<IssuedKey>;
  /** The key issued under `keyHint`, if there is one. */
  byHint(documentId: string, keyHint: string): Promise<IssuedKey | undefined>;
}

/** What makes new keys and hints: random bytes as base64 text. */
export type RandomText = (bytes: number, encoding?: 'base64' | 'base64url') => string;

export async function createDocumentKeysTable(db: Knex): Promise<void> {
  await db.schema.createTable('document_keys', (table) => {
    table.text('document_id').notNullable();
    table.text('key_hint').notNullable();
    table.text('key').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    table.primary(['document_id', 'key_hint']);
  });
}

export function documentKeys(db: Knex, randomText: RandomText): DocumentKeys {
  return {
    async forNewSession(documentId) {
      const recent = await db('document_keys')
        .where('document_id', documentId)
        .where('created_at', '>', db.raw(`now() - interval '1 hour'`))
        .orderBy([{ column: 'created_at', order: 'desc' }, 'key_hint'])
        .first('key', { keyHint: 'key_hint' });
      if (recent) return recent;

      // Two requests may both get here: each inserts its own row under its own hint, and each browser
      // holds a pair that stays true. The RTC session's loser then asks for the winner's hint, and finds it.
      const [created] = await db('document_keys')
        .insert({ document_id: documentId, key_hint: randomText(12, 'base64url'), key: randomText(32) })
        .returning(['key', 'key_hint as keyHint']);
      return created;
    },

    async byHint(documentId, keyHint) {
      return db('document_keys').where({ document_id: documentId, key_hint: keyHint }).first('key', { keyHint: 'key_hint' });
    },
  };
}
