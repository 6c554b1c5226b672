// BUGGY — the Express app of this folder, whose lookup answers the document's newest key (models/current-key-lookup.ts).
import type { BackendEnv } from '../../../src/index.ts';
import { createApp } from './app.ts';
import { connect, migrate } from './database.ts';
import { currentKeyLookup } from './models/current-key-lookup.ts';
import { createDocumentKeysTable } from './models/document-keys.ts';
import { randomTextFrom } from './random-text.ts';
import { keysRouter } from './routes/keys.ts';

export const setup = (env: BackendEnv) => migrate(env, createDocumentKeysTable);

export function createBackend(env: BackendEnv) {
  return createApp(keysRouter(currentKeyLookup(connect(env), randomTextFrom(env))));
}
