import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The mutation suite, cheapest first. Stryker stops a mutant's run at its first failing test (bail), and
 * vitest's own order runs the longest files first, which made every killed mutant pay for the slowest world
 * test: files run in this list's order instead.
 */
const suites = [
  'test/unit/**/*.test.ts',
  'scenarios/**/*.test.ts',
  'properties/provider-failures.test.ts',
  // The backend and the page's fetch: the adapter, the loader, the forms and the module's contract in
  // milliseconds, then the database (PGlite's cold start once; the server path of backend-database.ts on a real
  // server started once per worker), the JWT verifier's properties, and the backend node in whole worlds
  // (seconds each).
  'test/backend/adapt.test.ts',
  'test/backend/load.test.ts',
  'test/backend/backend-forms.test.ts',
  'test/backend/backend-module.test.ts',
  'test/database/**/*.test.ts',
  'properties/jwt-verifier.test.ts',
  'test/backend/world.test.ts',
];
// A file's place: the first entry whose folder or name (the glob up to its first `*`) it is under.
const rank = (file: string): number => suites.findIndex((glob) => file.includes(glob.split('*')[0] ?? glob));
class InListOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId) || (a.moduleId < b.moduleId ? -1 : 1));
  }
}

// The suites `npm run mutate` runs against every mutant. Stryker runs, for each mutant, only the tests that
// reached it, so per-mutant time is what the full run costs: the fast unit tests of test/unit come first
// (they pin messages, boundaries and branches in milliseconds), then the scripted scenarios and the quick
// property suites about provider failures and the JWT verifier. The sweeps over thousands of schedules
// (examples, determinism, self-check, faults, jwt-model: whole worlds that reach every model mutant and
// cost seconds each), the browser test and the CLI processes are left to `npm test`.
export default defineConfig({
  test: {
    include: suites,
    // The server's own tests (initdb, start, a process per test) cost seconds per test and would run for
    // every mutant that reaches them; src/database/postgres/ is left out of what is mutated and its tests to
    // `npm test`.
    exclude: [...configDefaults.exclude, 'test/database/postgres-*.test.ts'],
    testTimeout: 120_000,
    sequence: { sequencer: InListOrder },
    // One module graph per worker across mutants: the engines (PGlite's, the real server) start once per
    // worker instead of once per test file per mutant. Mutants are switched at run time (ignoreStatic), and
    // every test names its own setup keys, so nothing a file leaves behind changes another's answers.
    isolate: false,
  },
});
