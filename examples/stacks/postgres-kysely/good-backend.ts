// GOOD — Kysely over the app's own pg.Pool. (document_id, version) is the primary key: a new key is inserted
// with ON CONFLICT DO NOTHING, and whoever loses re-reads the winner's key under the same hint.
import { createApp, keyAt, newestKey } from './app.ts';
import { db, migrate } from './database.ts';

export const setup = () => migrate(true);

export const createBackend = () =>
  createApp(async (documentId, freshKey) => {
    const latest = await newestKey(db, documentId);
    if (latest?.recent) return { key: latest.key, keyHint: `v${latest.version}` };
    const version = (latest?.version ?? 0) + 1;
    const inserted = await db.insertInto('document_keys').values({ document_id: documentId, version, key: freshKey }).onConflict((conflict) => conflict.doNothing()).returning('key').executeTakeFirst();
    const stored = inserted?.key ?? (await keyAt(documentId, version));
    if (stored === undefined) throw new Error(`version ${version} of ${documentId} vanished`);
    return { key: stored, keyHint: `v${version}` };
  });
