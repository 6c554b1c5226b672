// GOOD — the primary key decides: INSERT … ON CONFLICT DO NOTHING, and whoever loses re-reads the winner's key.
import { createApp, keyAt } from './app.ts';
import { db } from './db/client.ts';
import { documentKeys } from './db/schema.ts';

export const app = createApp(async (documentId, version, key) => {
  const inserted = await db.insert(documentKeys).values({ documentId, version, key }).onConflictDoNothing().returning({ key: documentKeys.key });
  const stored = inserted[0]?.key ?? (await keyAt(documentId, version));
  if (stored === undefined) throw new Error(`version ${version} of ${documentId} vanished`);
  return { key: stored, keyHint: `v${version}` };
});
