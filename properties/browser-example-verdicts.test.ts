import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stackRunsDefault } from '../src/cli/examples-command.ts';
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderSource } from '../src/load-provider-source.ts';

// What `npm start` finds for the bundled providers that fetch from a backend (examples/providers/<folder>/
// with its backend.ts), with its defaults (100 runs from seed 1, no pins): pinned per provider, as the other
// examples are.
const pinned: Record<string, { readonly verdict: 'pass' | 'fail'; readonly property?: string; readonly seed?: number }> = {
  'fetch/buggy-latest-key-in-local-storage.ts': { verdict: 'fail', property: 'retention', seed: 10 },
  'fetch/buggy-timeout-local-fallback-key.ts': { verdict: 'fail', property: 'hint-stability', seed: 8 },
  'fetch/good-backoff-set-timeout.ts': { verdict: 'pass' },
  'fetch/good-fetch-timeout-abort-controller.ts': { verdict: 'pass' },
  'fetch/good-indexeddb-key-cache.ts': { verdict: 'pass' },
  'fetch/good-local-storage-key-cache.ts': { verdict: 'pass' },
  'fetch/good-short-fetch-timeout.ts': { verdict: 'pass' },
  'fetch/good-web-locks-between-tabs.ts': { verdict: 'pass' },
  'fetch/buggy-web-locks-document-cache.ts': { verdict: 'fail', property: 'hint-stability', seed: 3 },
};

const providersDirectory = new URL('../examples/providers/', import.meta.url).pathname;
const folders = readdirSync(providersDirectory, { withFileTypes: true }).filter((entry) => entry.isDirectory() && readdirSync(`${providersDirectory}${entry.name}`).includes('backend.ts'));
const fetchExamples = folders.flatMap((folder) =>
  readdirSync(`${providersDirectory}${folder.name}`)
    .filter((name) => /^(good|buggy)-.*\.ts$/.test(name))
    .map((name) => `${folder.name}/${name}`),
);

describe('every bundled provider with a backend keeps its default verdict and failing seed', () => {
  it('every one is pinned', () => {
    expect(Object.keys(pinned).sort()).toEqual([...fetchExamples].sort());
  });

  for (const name of fetchExamples) {
    it(`${name}: ${pinned[name]?.verdict ?? 'unpinned'}${pinned[name]?.seed === undefined ? '' : ` at seed ${pinned[name]?.seed}`}`, async () => {
      const folder = name.split('/')[0] ?? '';
      const loaded = await loadProviderSource(`${providersDirectory}${name}`, undefined, `${providersDirectory}${folder}/backend.ts`);
      if (!loaded.ok) throw new Error(loaded.error.message);
      const report = await sweep({ source: loaded.value, runs: stackRunsDefault, seed: 1, pins: {} });
      const found = { verdict: report.verdict, ...(report.failure === undefined ? {} : { property: report.failure.property, seed: report.failure.seed }) };
      expect(found).toEqual(pinned[name]);
    }, 180_000);
  }
});
