import { describe, expect, it } from 'vitest';
import { loadBackendModule } from '../../src/backend/load.ts';
import { describeConfig } from '../../src/cli/describe-config.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { sweep } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { settingsFor } from '../../src/providers/source.ts';
import { assumptionsLine } from '../../src/report/assumptions.ts';
import { runCli, scratchModules, spawnCli } from '../cli-support.ts';

const stack = 'examples/stacks/pglite-raw-sql';
const plainBackend = "export async function setup(env) { await env.db.exec('CREATE TABLE t (id int)'); }\nexport function createBackend() { return () => Response.json({ key: 'k', keyHint: 'v1' }); }\n";

describe('the real PostgreSQL server is every stack’s default database; PGlite is asked for, or the fallback', () => {
  const scratch = scratchModules('rtc-sim-default-database');

  it('a backend on env.db that says nothing gets the real server; database = "pglite" gets PGlite; anything else is refused', async () => {
    const plain = await loadBackendModule(scratch.write('plain.ts', plainBackend));
    expect(plain.ok && { database: plain.value.database, fallback: plain.value.databaseFallback }).toEqual({ database: 'postgres', fallback: undefined });
    const pglite = await loadBackendModule(scratch.write('pglite.ts', `export const database = 'pglite';\n${plainBackend}`));
    expect(pglite.ok && pglite.value.database).toBe('pglite');
    const sqlite = await loadBackendModule(scratch.write('sqlite.ts', `export const database = 'sqlite';\n${plainBackend}`));
    expect(!sqlite.ok && sqlite.error.message).toMatch(/exports database = "sqlite": expected 'postgres' .* or 'pglite'/);
    const pgOnPglite = await loadBackendModule(scratch.write('pg-on-pglite.ts', `import pg from 'pg';\nexport const pool = new pg.Pool();\nexport const database = 'pglite';\n${plainBackend}`));
    expect(!pgOnPglite.ok && pgOnPglite.error.message).toMatch(/exports database = 'pglite' but its code loads pg \(node-postgres\)/);
  }, 60_000);

  it('a pin wins over the load’s choice; the fallback’s reason is in the assumptions line, PGlite in the config line', async () => {
    const loaded = await loadProviderSource(`${process.cwd()}/${stack}/provider.ts`, undefined, `${process.cwd()}/${stack}/good-backend.ts`);
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(settingsFor({}, loaded.value).backendDatabase).toBe('postgres');
    expect(settingsFor({ database: 'pglite' }, loaded.value).backendDatabase).toBe('pglite');
    const fellBack = { ...loaded.value, backend: { ...loaded.value.backend!, database: 'pglite' as const, databaseFallback: 'no PostgreSQL binaries for plan9-mips' } };
    const settings = settingsFor({}, fellBack);
    expect(assumptionsLine(settings)).toContain('on PGlite (no PostgreSQL server here: no PostgreSQL binaries for plan9-mips), one session: its transactions serialized');
    // Asking for PGlite is no fallback: no reason is given.
    expect(assumptionsLine(settingsFor({ database: 'pglite' }, fellBack))).toContain('on PGlite, one session');
    const config = drawConfig(5, settings);
    expect(config.database).toBe('pglite');
    expect(config.databaseSessions).toBeUndefined();
    expect(describeConfig(config)).toContain('database: PGlite, 1 session');
  }, 60_000);

  it('the check-then-insert in a transaction on env.db is caught by default, and passes on PGlite (why PGlite is no longer the default)', async () => {
    const loaded = await loadProviderSource(`${process.cwd()}/${stack}/provider.ts`, undefined, `${process.cwd()}/${stack}/buggy-check-then-insert-in-transaction.ts`);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const onServer = await sweep({ source: loaded.value, runs: 45, seed: 1, pins: {} });
    expect({ verdict: onServer.verdict, seed: onServer.failure?.seed }).toEqual({ verdict: 'fail', seed: 45 });
    const onPglite = await sweep({ source: loaded.value, runs: 45, seed: 1, pins: { database: 'pglite' } });
    expect(onPglite.verdict).toBe('pass');
  }, 180_000);

  it('without a server (RTC_SIM_NO_POSTGRES=1) the check falls back to PGlite and says so; --database is validated', async () => {
    const fellBack = await spawnCli(['check', `${stack}/provider.ts`, '--backend', `${stack}/good-backend.ts`, '--runs', '2', '--no-typecheck'], { RTC_SIM_NO_POSTGRES: '1' });
    expect(fellBack.code).toBe(0);
    expect(fellBack.out).toContain('on PGlite (no PostgreSQL server here: RTC_SIM_NO_POSTGRES=1 is set), one session: its transactions serialized');
    const wrong = await runCli(['check', `${stack}/provider.ts`, '--backend', `${stack}/good-backend.ts`, '--database', 'sqlite', '--runs', '1', '--no-typecheck']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("argument 'sqlite' is invalid. Allowed choices are postgres, pglite");
    const noBackend = await runCli(['check', `${stack}/provider.ts`, '--database', 'pglite', '--runs', '1', '--no-typecheck']);
    expect(noBackend.code).toBe(2);
    expect(noBackend.err).toContain('usage error: database pglite (--database, or the config file) chooses your backend');
    const pgOnPglite = await runCli(['check', 'examples/stacks/postgres-drizzle/provider.ts', '--backend', 'examples/stacks/postgres-drizzle/good-backend.ts', '--database', 'pglite', '--runs', '1', '--no-typecheck']);
    expect(pgOnPglite.code).toBe(2);
    expect(pgOnPglite.err).toMatch(/loads pg \(node-postgres\), which only a real PostgreSQL server answers: --database pglite cannot run it/);
  }, 120_000);
});
