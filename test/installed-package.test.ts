import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './cli-support.ts';

// Issue 27's acceptance, offline: scripts/package-acceptance.mjs packs the package, unpacks it into a fresh
// project whose TypeScript is 7.x (dependencies linked from this repository's node_modules) and runs what a
// user would. `node scripts/package-acceptance.mjs` without --offline does the same through npm install.
describe('the packed package in a fresh TypeScript 7 project', () => {
  it('type-checks clean under skipLibCheck: false, imports in plain Node, checks a provider and a `{ fetch }` backend with top-level await, runs the README vitest snippet', () => {
    const ran = spawnSync(process.execPath, ['scripts/package-acceptance.mjs', '--offline'], { cwd: repositoryRoot, encoding: 'utf8', timeout: 280_000 });
    const steps = ran.stdout.split('\n').filter((line) => /^(ok|FAIL) /.test(line));
    expect(steps.filter((line) => line.startsWith('FAIL')), ran.stdout).toEqual([]);
    expect(steps).toHaveLength(10);
    expect(ran.stdout).toContain('every step held');
    expect(ran.status).toBe(0);
  }, 300_000);
});
