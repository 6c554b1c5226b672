// BUGGY — the Express app of this folder with version-numbered keys (models/versioned-keys.ts).
import type { BackendEnv } from '../../../src/index.ts';
import { createApp } from './app.ts';
import { connect, migrate } from './database.ts';
import { createVersionedKeysTable, versionedKeys } from './models/versioned-keys.ts';
import { randomTextFrom } from './random-text.ts';
import { keysRouter } from './routes/keys.ts';

export const setup = (env: BackendEnv) => migrate(env, createVersionedKeysTable);

export function createBackend(env: BackendEnv) {
  return createApp(keysRouter(versionedKeys(connect(env), randomTextFrom(env))));
}
