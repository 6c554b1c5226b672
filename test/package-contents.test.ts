import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './cli-support.ts';

// What `npm pack` ships is what a user installs: the CLI and everything it reads at run time, and nothing of
// the repository's own tests, benchmarks, CI or mutation testing.
describe('the npm package', () => {
  it('ships the CLI, its compiled build, its sources, examples, scenarios and fixtures, and no tests, benchmarks or CI files', () => {
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: repositoryRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ files: { path: string }[] }];
    const paths = listing[0].files.map((file) => file.path);
    // Read at run time: the bin and what it bundles, the sweep workers' fallback entry, the default of
    // `examples`, the scenarios `run` loads (and the providers they name), the JWT test keys.
    for (const needed of [
      'package.json',
      'README.md',
      'bin/rtc-sim.js',
      'bin/supervise.mjs',
      'bin/self-bundle.mjs',
      'src/cli.ts',
      'src/index.ts',
      'src/vitest.ts',
      'src/explore/sweep-worker.mjs',
      // The compiled build the package's exports, its bin and its sweep workers run from.
      'dist/index.js',
      'dist/index.d.ts',
      'dist/vitest.js',
      'dist/vitest.d.ts',
      'dist/cli.js',
      'dist/explore/sweep-worker-entry.js',
      'examples/providers/good-static-key.ts',
      'examples/token-providers/signed-on-demand.ts',
      'scenarios/seeds-race.ts',
      'scenarios/token-providers/expired.ts',
      'fixtures/jwt/test-keys.json',
      'docs/trace-schema.md',
    ]) {
      expect(paths).toContain(needed);
    }
    const unwanted = paths.filter((path) =>
      /(^|\/)[^/]+\.test\.ts$|^(test|bench|properties|scripts|\.ci|\.github|coverage|reports)\/|stryker|^vitest\.|^scenarios\/(support\.ts|regressions\/)/.test(path),
    );
    expect(unwanted).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string; default?: string }> };
    // Every export points at compiled JavaScript and declarations, never at a TypeScript source.
    for (const target of Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry.types, entry.default]))) {
      expect(target).toMatch(/^\.\/(dist\/.*\.(js|d\.ts)|package\.json)$/);
      expect(paths).toContain(target?.slice(2));
    }
  });

  it('installs on Node 20 without engine warnings: every locked package accepts this Node', () => {
    // What `npm ci` would print, without touching node_modules (--dry-run) or the network (--offline).
    const install = spawnSync('npm', ['ci', '--dry-run', '--offline', '--no-audit', '--no-fund'], { cwd: repositoryRoot, encoding: 'utf8' });
    expect(install.status).toBe(0);
    expect(`${install.stdout}${install.stderr}`).not.toContain('EBADENGINE');
  });

  // Issue 27's acceptance, offline, in this file so that its `npm pack` never runs beside the one above (both
  // rebuild dist/): scripts/package-acceptance.mjs packs the package, unpacks it into a fresh project whose
  // TypeScript is 7.x (dependencies linked from this repository's node_modules) and runs what a user would.
  // `node scripts/package-acceptance.mjs` without --offline does the same through npm install.
  it('in a fresh TypeScript 7 project: type-checks clean under skipLibCheck: false, imports in plain Node, checks a provider and a `{ fetch }` backend with top-level await, runs the README vitest snippet', () => {
    const ran = spawnSync(process.execPath, ['scripts/package-acceptance.mjs', '--offline'], { cwd: repositoryRoot, encoding: 'utf8', timeout: 280_000 });
    const steps = ran.stdout.split('\n').filter((line) => /^(ok|FAIL) /.test(line));
    expect(steps.filter((line) => line.startsWith('FAIL')), ran.stdout).toEqual([]);
    expect(steps).toHaveLength(10);
    expect(ran.stdout).toContain('every step held');
    expect(ran.status).toBe(0);
  }, 300_000);
});
