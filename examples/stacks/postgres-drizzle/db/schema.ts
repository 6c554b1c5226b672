// The table, as Drizzle sees it.
import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** One row per key a document ever had: `version` is the hint ("v1", "v2", …). */
export const documentKeys = pgTable(
  'document_keys',
  {
    documentId: text('document_id').notNull(),
    version: integer('version').notNull(),
    key: text('key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.documentId, table.version] })],
);
