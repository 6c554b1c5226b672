import { describe, expect, it } from 'vitest';
import { runCli, scratchModules } from './cli-support.ts';

// The README's ORM glue (examples/glue/) over env.db, each in a backend of the pglite-raw-sql stack's shape:
// the correct backend written with each ORM passes, and a racy one written with an ORM is caught. Their
// types are checked by the repository's tsc, without a cast on env.db.
const provider = 'examples/stacks/pglite-raw-sql/provider.ts';
const { failuresDir } = scratchModules('rtc-sim-orm-glue');
const check = (backend: string, runs: number) => runCli(['check', provider, '--backend', backend, '--runs', String(runs), '--documents', '1', '--no-typecheck', '--failures-dir', failuresDir]);

describe('ORM glue over env.db', () => {
  it.each(['drizzle', 'kysely', 'knex'])('%s: the correct key service passes', async (orm) => {
    const result = await check(`test/glue/${orm}-backend.ts`, 20);
    expect(result.err).toBe('');
    expect(result.out).toContain('✓ PASS');
    expect(result.code).toBe(0);
  }, 120_000);

  it('kysely: an upsert that replaces the key breaks hint stability, and is caught', async () => {
    const result = await check('test/glue/kysely-buggy-upsert.ts', 100);
    expect(result.out).toMatch(/✗ FAIL .*hint-stability/);
    expect(result.code).toBe(1);
  }, 120_000);
});
