import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stackRunsDefault } from '../src/cli/examples-command.ts';
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderSource } from '../src/load-provider-source.ts';

// What `npm start` finds for the bundled stacks with its defaults (100 runs from seed 1, no pins), pinned per
// backend: a change to the model that moves any of these changes what users see, and must say so.
const pinned: Record<string, { readonly verdict: 'pass' | 'fail'; readonly property?: string; readonly seed?: number }> = {
  'express-knex/buggy-check-then-insert.ts': { verdict: 'fail', property: 'hint-stability', seed: 15 },
  'express-knex/buggy-newest-key-lookup.ts': { verdict: 'fail', property: 'hint-stability', seed: 15 },
  'express-knex/buggy-upsert-replaces-key.ts': { verdict: 'fail', property: 'hint-stability', seed: 15 },
  'express-knex/good-backend.ts': { verdict: 'pass' },
  'pglite-raw-sql/buggy-check-then-insert.ts': { verdict: 'fail', property: 'hint-stability', seed: 45 },
  'pglite-raw-sql/buggy-check-then-insert-in-transaction.ts': { verdict: 'fail', property: 'hint-stability', seed: 45 },
  'pglite-raw-sql/buggy-in-process-lock.ts': { verdict: 'fail', property: 'hint-stability', seed: 76 },
  'pglite-raw-sql/buggy-process-current-key.ts': { verdict: 'fail', property: 'hint-stability', seed: 1 },
  'pglite-raw-sql/buggy-newest-key-lookup.ts': { verdict: 'fail', property: 'hint-stability', seed: 90 },
  'pglite-raw-sql/buggy-upsert-replaces-key.ts': { verdict: 'fail', property: 'hint-stability', seed: 45 },
  'pglite-raw-sql/good-backend.ts': { verdict: 'pass' },
  'pglite-raw-sql/good-process-cache.ts': { verdict: 'pass' },
  'postgres-drizzle/buggy-upsert-in-transaction.ts': { verdict: 'fail', property: 'hint-stability', seed: 23 },
  'postgres-drizzle/good-backend.ts': { verdict: 'pass' },
  'postgres-kysely/buggy-check-then-insert-in-transaction.ts': { verdict: 'fail', property: 'hint-stability', seed: 45 },
  'postgres-kysely/good-backend.ts': { verdict: 'pass' },
  'postgres-knex/buggy-check-then-insert.ts': { verdict: 'fail', property: 'hint-stability', seed: 27 },
  'postgres-knex/good-backend.ts': { verdict: 'pass' },
  'postgres-sessions/buggy-check-then-insert-in-transaction.ts': { verdict: 'fail', property: 'hint-stability', seed: 45 },
  'postgres-sessions/good-pgcrypto-keys.ts': { verdict: 'pass' },
  'postgres-sessions/good-select-for-update.ts': { verdict: 'pass' },
  'postgres-sessions/good-serializable-retry.ts': { verdict: 'pass' },
  'postgres-sessions/good-unique-violation-reread.ts': { verdict: 'pass' },
};

const stacksDirectory = new URL('../examples/stacks/', import.meta.url).pathname;
const stackExamples = readdirSync(stacksDirectory).flatMap((stack) =>
  readdirSync(`${stacksDirectory}${stack}`)
    .filter((name) => /^(good|buggy)-.*\.ts$/.test(name))
    .map((name) => `${stack}/${name}`),
);

describe('every bundled stack keeps its default verdict and failing seed', () => {
  it('every bundled stack example is pinned', () => {
    expect(Object.keys(pinned).sort()).toEqual([...stackExamples].sort());
  });

  for (const name of stackExamples) {
    it(`${name}: ${pinned[name]?.verdict ?? 'unpinned'}${pinned[name]?.seed === undefined ? '' : ` at seed ${pinned[name]?.seed}`}`, async () => {
      const stack = name.split('/')[0] ?? '';
      const loaded = await loadProviderSource(`${stacksDirectory}${stack}/provider.ts`, undefined, `${stacksDirectory}${name}`);
      if (!loaded.ok) throw new Error(loaded.error.message);
      const report = await sweep({ source: loaded.value, runs: stackRunsDefault, seed: 1, pins: {} });
      const found = { verdict: report.verdict, ...(report.failure === undefined ? {} : { property: report.failure.property, seed: report.failure.seed }) };
      expect(found).toEqual(pinned[name]);
    }, 180_000);
  }
});
