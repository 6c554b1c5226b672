import { describe, expect, it } from 'vitest';
import { backendProblem } from '../../src/backend/contract.ts';
import { PostgresUnavailable } from '../../src/database/postgres/server.ts';
import { prepareBackendDatabase } from '../../src/model/backend-database.ts';
import { fakeWorld } from '../unit/support.ts';
import { backendMachine, setupOnlyBackend } from './support.ts';

// When the process's server cannot start: the run cannot go on, and says why as its setup's problem; any
// other failure to start is rtc-sim's own, thrown. The server here is one that fails to start: the real one
// is exercised in postgres-server.test.ts.
const failing = (error: Error) => () => Promise.reject(error);

const machine = backendMachine();
const source = setupOnlyBackend('/app/unavailable.ts', async () => undefined, 'postgres');

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
