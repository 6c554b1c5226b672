// GOOD — the Express app of ../express-knex (random hints, primary key (document_id, key_hint)) on knex's `pg`
// client and DATABASE_URL: the glue only runs the migration and returns the app.
import { createApp } from '../express-knex/app.ts';
import { createDocumentKeysTable, documentKeys } from '../express-knex/models/document-keys.ts';
import { randomTextFrom } from '../express-knex/random-text.ts';
import { keysRouter } from '../express-knex/routes/keys.ts';
import type { BackendEnv } from '../../../src/index.ts';
import { db } from './database.ts';

export const setup = () => createDocumentKeysTable(db);
export const createBackend = (env: BackendEnv) => createApp(keysRouter(documentKeys(db, randomTextFrom(env))));
