// The table every glue backend here uses, made with env.db directly in setup (migrations stay the app's own).
import type { BackendEnv } from '../../src/index.ts';

export async function setup(env: BackendEnv): Promise<void> {
  await env.db.exec(`
    CREATE TABLE document_keys (
      document_id text        NOT NULL,
      key_hint    text        NOT NULL,
      key         text        NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (document_id, key_hint)
    );
  `);
}
