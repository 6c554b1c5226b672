import { describe, expect, it } from 'vitest';
import type { BackendSource } from '../../src/backend/load.ts';
import { backendProblem } from '../../src/backend/contract.ts';
import { PostgresUnavailable } from '../../src/database/postgres/server.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { prepareBackendDatabase } from '../../src/model/backend-database.ts';
import { createHostRealm } from '../../src/providers/realm.ts';
import { fakeWorld } from '../unit/support.ts';

// When the process's server cannot start: the run cannot go on, and says why as its setup's problem; any
// other failure to start is rtc-sim's own, thrown. The server here is one that fails to start: the real one
// is exercised in postgres-server.test.ts.
const failing = (error: Error) => () => Promise.reject(error);

const realm = Object.assign(createHostRealm(), { bytes: (length: number) => new Uint8Array(length) });
const machine = { clockMs: () => Date.UTC(2026, 0, 1), entropy: forkStream(1, 'database:entropy') };
const source: BackendSource = { label: '/app/unavailable.ts', realm, database: 'postgres', setup: async () => undefined, start: () => new Promise(() => undefined) };

describe('a run that needs the real server when none can start', () => {
  it('no server here: the setup problem, with the reason', async () => {
    const unavailable = failing(new PostgresUnavailable('no PostgreSQL binaries for plan9-mips'));
    expect(await prepareBackendDatabase(fakeWorld(), source, machine, () => undefined, unavailable)).toEqual({
      ok: false,
      problem: backendProblem('setup-threw', "this backend needs a real PostgreSQL server (it loads pg, or asks for database = 'postgres'), and none could start here: no PostgreSQL binaries for plan9-mips"),
    });
  });

  it('a pin to postgres in the run overrides a module on PGlite; another failure to start is thrown', async () => {
    await expect(prepareBackendDatabase(fakeWorld({ database: 'postgres' }), { ...source, database: 'pglite' }, machine, () => undefined, failing(new Error('initdb crashed')))).rejects.toThrow('initdb crashed');
  });
});
