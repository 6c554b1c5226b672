// BUGGY — an upsert in a transaction: ON CONFLICT DO UPDATE replaces the key already issued under the hint.
// Two creators of v1 both succeed; the second one's key overwrites the first one's, whose browser then holds
// a key its hint no longer names.
import { sql } from 'drizzle-orm';
import { createApp } from './app.ts';
import { db } from './db/client.ts';
import { documentKeys } from './db/schema.ts';

export const app = createApp((documentId, version, key) =>
  db.transaction(async (tx) => {
    await tx
      .insert(documentKeys)
      .values({ documentId, version, key })
      .onConflictDoUpdate({ target: [documentKeys.documentId, documentKeys.version], set: { key: sql`excluded.key`, createdAt: sql`now()` } });
    return { key, keyHint: `v${version}` };
  }),
);
