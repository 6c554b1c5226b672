// BUGGY — Kysely over the app's own pg.Pool: the newest version read and the next one inserted inside
// `db.transaction()`, with no unique constraint. At READ COMMITTED two such transactions both read "no key
// yet" and both insert v1 with different keys; the transaction does not make the check and the insert one step.
import { createApp, newestKey } from './app.ts';
import { db, migrate } from './database.ts';

export const setup = () => migrate(false);

export const createBackend = () =>
  createApp((documentId, freshKey) =>
    db.transaction().execute(async (trx) => {
      const latest = await newestKey(trx, documentId);
      if (latest?.recent) return { key: latest.key, keyHint: `v${latest.version}` };
      const version = (latest?.version ?? 0) + 1;
      await trx.insertInto('document_keys').values({ document_id: documentId, version, key: freshKey }).execute();
      return { key: freshKey, keyHint: `v${version}` };
    }),
  );
