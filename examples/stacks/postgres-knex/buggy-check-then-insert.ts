// BUGGY — ../express-knex's versioned keys (SELECT the newest version, INSERT the next, no unique constraint)
// on knex's `pg` client and DATABASE_URL.
import { createApp } from '../express-knex/app.ts';
import { createVersionedKeysTable, versionedKeys } from '../express-knex/models/versioned-keys.ts';
import { randomTextFrom } from '../express-knex/random-text.ts';
import { keysRouter } from '../express-knex/routes/keys.ts';
import type { BackendEnv } from '../../../src/index.ts';
import { db } from './database.ts';

export const setup = () => createVersionedKeysTable(db);
export const createBackend = (env: BackendEnv) => createApp(keysRouter(versionedKeys(db, randomTextFrom(env))));
