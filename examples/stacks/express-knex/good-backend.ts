// GOOD — the Express app of this folder on knex, wired to the database rtc-sim provides.
import type { BackendEnv } from '../../../src/index.ts';
import { createApp } from './app.ts';
import { connect, migrate } from './database.ts';
import { createDocumentKeysTable, documentKeys } from './models/document-keys.ts';
import { keysRouter } from './routes/keys.ts';
import { randomTextFrom } from './random-text.ts';

export const setup = (env: BackendEnv) => migrate(env, createDocumentKeysTable);

export function createBackend(env: BackendEnv) {
  return createApp(keysRouter(documentKeys(connect(env), randomTextFrom(env))));
}
