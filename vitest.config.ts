import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The repository's tests import `rtc-sim` and `rtc-sim/vitest` as a user does, but from the sources: the
// package's exports point at its compiled build (dist/), which only `npm run build` (and `npm pack`) makes.
const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^rtc-sim$/, replacement: source('./src/index.ts') },
      { find: /^rtc-sim\/vitest$/, replacement: source('./src/vitest.ts') },
    ],
  },
  test: {
    include: ['properties/**/*.test.ts', 'scenarios/**/*.test.ts', 'test/**/*.test.ts'],
    // Vitest leaves one core free by default (cores - 1): on a 2-core CI machine that is one file at a time.
    // Most files here are CPU-bound sweeps in-process, so two at a time use both cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
