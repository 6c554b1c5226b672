import { configDefaults, defineConfig } from 'vitest/config';

// The suites `npm run mutate` runs against every mutant. Stryker runs, for each mutant, only the tests that
// reached it, so per-mutant time is what the full run costs: the fast unit tests of test/unit come first
// (they pin messages, boundaries and branches in milliseconds), then the scripted scenarios and the quick
// property suites about provider failures and the JWT verifier. The sweeps over thousands of schedules
// (examples, determinism, self-check, faults, jwt-model: whole worlds that reach every model mutant and
// cost seconds each), the browser test and the CLI processes are left to `npm test`.
export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'scenarios/**/*.test.ts',
      'properties/provider-failures.test.ts',
      'properties/jwt-verifier.test.ts',
      // The backend and the page's fetch: the adapter and the module's contract in milliseconds, then the
      // backend node, its messages and the database in a world (seconds each, PGlite's cold start once).
      'test/backend/adapt.test.ts',
      'test/backend/backend-module.test.ts',
      'test/backend/world.test.ts',
      'test/database/**/*.test.ts',
    ],
    // A real PostgreSQL server (initdb, start, a process per test) costs seconds per test and would run for
    // every mutant that reaches it; src/database/postgres/ is left out of what is mutated and its tests to
    // `npm test`.
    exclude: [...configDefaults.exclude, 'test/database/postgres-*.test.ts'],
    testTimeout: 120_000,
  },
});
