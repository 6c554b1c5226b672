// GOOD — the pglite-raw-sql stack's correct backend, its SQL written with Drizzle over env.db.
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { BackendEnv } from '../../src/index.ts';
import { drizzleOn } from '../../examples/glue/drizzle.ts';
import { issued, randomText, serveKeys } from '../../examples/stacks/pglite-raw-sql/serve-keys.ts';

export { setup } from './schema.ts';

const documentKeys = pgTable('document_keys', {
  documentId: text('document_id').notNull(),
  keyHint: text('key_hint').notNull(),
  key: text('key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (table) => [primaryKey({ columns: [table.documentId, table.keyHint] })]);

export function createBackend(env: BackendEnv) {
  const db = drizzleOn(env.db);
  const row = (found: { keyHint: string; key: string } | undefined) => found && issued({ key_hint: found.keyHint, key: found.key });
  return serveKeys({
    async keyForNewSession(documentId) {
      const [recent] = await db.select({ keyHint: documentKeys.keyHint, key: documentKeys.key }).from(documentKeys)
        .where(and(eq(documentKeys.documentId, documentId), gt(documentKeys.createdAt, sql`now() - interval '1 hour'`)))
        .orderBy(desc(documentKeys.createdAt), documentKeys.keyHint).limit(1);
      if (recent) return row(recent)!;
      const [created] = await db.insert(documentKeys)
        .values({ documentId, keyHint: randomText(env.randomBytes, 12, 'base64url'), key: randomText(env.randomBytes, 32) })
        .returning({ keyHint: documentKeys.keyHint, key: documentKeys.key });
      return row(created)!;
    },
    async keyByHint(documentId, keyHint) {
      const [found] = await db.select({ keyHint: documentKeys.keyHint, key: documentKeys.key }).from(documentKeys)
        .where(and(eq(documentKeys.documentId, documentId), eq(documentKeys.keyHint, keyHint)));
      return row(found);
    },
  });
}
