// BUGGY — the Express app of this folder with one upserted key per document (models/one-key-per-document.ts).
import type { BackendEnv } from '../../../src/index.ts';
import { createApp } from './app.ts';
import { connect, migrate } from './database.ts';
import { createOneKeyPerDocumentTable, oneKeyPerDocument } from './models/one-key-per-document.ts';
import { randomTextFrom } from './random-text.ts';
import { keysRouter } from './routes/keys.ts';

export const setup = (env: BackendEnv) => migrate(env, createOneKeyPerDocumentTable);

export function createBackend(env: BackendEnv) {
  return createApp(keysRouter(oneKeyPerDocument(connect(env), randomTextFrom(env))));
}
