import { defineConfig } from 'vitest/config';

// The suites `npm run mutate` runs against every mutant: the scenarios, which pin traces and break model logic
// on purpose, and the fast property suites. The slow sweeps, the browser test and the CLI processes are
// left to `npm test`.
export default defineConfig({
  test: {
    include: [
      'scenarios/**/*.test.ts',
      'properties/event-queue.test.ts',
      'properties/provider-failures.test.ts',
      'properties/examples.test.ts',
      'properties/determinism.test.ts',
      'properties/self-check.test.ts',
    ],
    testTimeout: 120_000,
  },
});
