// BUGGY — the good model's table and creation, but a lookup checks that the hint exists and then answers the
// document's newest key ("the current key") instead of the hinted one. When two requests both create a key
// for a new document, the browser whose hint names the older key is handed the newer one.
import type { Knex } from 'knex';
import { documentKeys, type DocumentKeys, type RandomText } from './document-keys.ts';

export function currentKeyLookup(db: Knex, randomText: RandomText): DocumentKeys {
  return {
    forNewSession: documentKeys(db, randomText).forNewSession,

    async byHint(documentId, keyHint) {
      const known = await db('document_keys').where({ document_id: documentId, key_hint: keyHint }).first('key_hint');
      if (!known) return undefined;
      const current = await db('document_keys')
        .where('document_id', documentId)
        .orderBy([{ column: 'created_at', order: 'desc' }, 'key_hint'])
        .first('key');
      return current && { key: current.key, keyHint };
    },
  };
}
