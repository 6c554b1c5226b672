// The postgres-sessions stacks' key SQL on the real server with real concurrency (no simulation): for each of
// 40 documents, 3 creators race on 3 connections, as in production. Counts the documents left with two keys
// under one hint — what rtc-sim's verdicts claim for each variant. `node bin/run-ts.mjs scripts/postgres-outside.ts`
import pg from 'pg';
import { sharedServer } from '../src/database/postgres/server.ts';

type Creator = (client: pg.Client, documentId: string, key: string) => Promise<void>;

const checkThenInsert: Creator = async (client, documentId, key) => {
  await client.query('BEGIN');
  const newest = await client.query('SELECT version FROM document_keys WHERE document_id = $1 ORDER BY version DESC LIMIT 1', [documentId]);
  if (newest.rows.length === 0) await client.query('INSERT INTO document_keys (document_id, version, key) VALUES ($1, 1, $2)', [documentId, key]);
  await client.query('COMMIT');
};

const selectForUpdate: Creator = async (client, documentId, key) => {
  await client.query('INSERT INTO documents (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [documentId]);
  await client.query('BEGIN');
  await client.query('SELECT id FROM documents WHERE id = $1 FOR UPDATE', [documentId]);
  const newest = await client.query('SELECT version FROM document_keys WHERE document_id = $1 ORDER BY version DESC LIMIT 1', [documentId]);
  if (newest.rows.length === 0) await client.query('INSERT INTO document_keys (document_id, version, key) VALUES ($1, 1, $2)', [documentId, key]);
  await client.query('COMMIT');
};

const serializableRetry: Creator = async (client, documentId, key) => {
  for (let attempt = 1; ; attempt++) {
    try {
      await checkThenInsertAt(client, documentId, key, 'SERIALIZABLE');
      return;
    } catch (error) {
      await client.query('ROLLBACK');
      if ((error as { code?: string }).code !== '40001' || attempt === 10) throw error;
    }
  }
};

async function checkThenInsertAt(client: pg.Client, documentId: string, key: string, isolation: string): Promise<void> {
  await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
  const newest = await client.query('SELECT version FROM document_keys WHERE document_id = $1 ORDER BY version DESC LIMIT 1', [documentId]);
  if (newest.rows.length === 0) await client.query('INSERT INTO document_keys (document_id, version, key) VALUES ($1, 1, $2)', [documentId, key]);
  await client.query('COMMIT');
}

const server = await sharedServer();
const connect = async (): Promise<pg.Client> => {
  const client = new pg.Client({ host: server.socketDirectory, port: server.port, user: server.user, database: server.database });
  await client.connect();
  return client;
};
const admin = await connect();
const creators = await Promise.all([connect(), connect(), connect()]);
for (const [name, create] of [['buggy-check-then-insert-in-transaction', checkThenInsert], ['good-select-for-update', selectForUpdate], ['good-serializable-retry', serializableRetry]] as const) {
  await admin.query(`DROP TABLE IF EXISTS document_keys, documents;
    CREATE TABLE documents (id text PRIMARY KEY);
    CREATE TABLE document_keys (document_id text NOT NULL, version int NOT NULL, key text NOT NULL)`);
  for (let document = 1; document <= 40; document++) {
    await Promise.all(creators.map((client, index) => create(client, `d${document}`, `key-${index}`)));
  }
  const split = await admin.query<{ count: number }>('SELECT count(*)::int AS count FROM (SELECT document_id FROM document_keys WHERE version = 1 GROUP BY document_id HAVING count(*) > 1) AS doubled');
  console.log(`${name}: ${split.rows[0]?.count ?? 0} of 40 documents got two keys under hint v1`);
}
await Promise.all([admin, ...creators].map((client) => client.end()));
