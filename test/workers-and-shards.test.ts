import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const failuresDir = temporaryFolder('rtc-sim-workers-');
const reportsDir = temporaryFolder('rtc-sim-shards-');

interface Verdict {
  verdict: string;
  failure?: { seed: number; property: string };
}

async function checkJson(argv: readonly string[]): Promise<Verdict & { raw: string }> {
  const result = await runCli(['check', ...argv, '--json', '--no-shrink', '--failures-dir', failuresDir]);
  expect(result.err).toBe('');
  return { ...(JSON.parse(result.out) as Verdict), raw: result.out };
}

function essence(verdict: Verdict): object {
  return { verdict: verdict.verdict, seed: verdict.failure?.seed, property: verdict.failure?.property };
}

describe('workers and shards give the verdict one process gives', () => {
  // Seed 31337 with two clients first fails after 297 runs: past the in-process first chunk, so the pool's
  // chunks really run, and the lowest failing seed must win over whichever worker finishes first.
  const cases = [
    { name: 'a buggy example', argv: ['examples/providers/buggy-timestamp-hint-overwrite.ts', '--clients', '2', '--seed', '31337', '--runs', '3000'] },
    { name: 'a good example', argv: ['examples/providers/good-store-backed-dynamic.ts', '--seed', '5', '--runs', '1500'] },
  ];
  for (const { name, argv } of cases) {
    it(`1 worker, 2 workers and 2 shards merged agree on ${name}`, async () => {
      const single = await checkJson([...argv, '--workers', '1']);
      const pooled = await checkJson([...argv, '--workers', '2']);
      const shardFiles: string[] = [];
      for (const shard of ['1/2', '2/2']) {
        const report = await checkJson([...argv, '--workers', '1', '--shard', shard]);
        const file = join(reportsDir, `${name.replaceAll(' ', '-')}-${shard.replace('/', '-of-')}.json`);
        writeFileSync(file, report.raw);
        shardFiles.push(file);
      }
      const merged = await runCli(['merge', ...shardFiles, '--json']);
      expect(essence(pooled)).toEqual(essence(single));
      expect(essence(JSON.parse(merged.out) as Verdict)).toEqual(essence(single));
      expect(merged.code).toBe(single.verdict === 'pass' ? 0 : 1);
    });
  }

  it('merge refuses shards of different sweeps and missing shards, naming the problem', async () => {
    const one = await checkJson(['examples/providers/good-static-key.ts', '--runs', '40', '--shard', '1/2']);
    const other = await checkJson(['examples/providers/good-static-key.ts', '--runs', '40', '--seed', '9', '--shard', '2/2']);
    writeFileSync(join(reportsDir, 'one.json'), one.raw);
    writeFileSync(join(reportsDir, 'other.json'), other.raw);
    const mixed = await runCli(['merge', join(reportsDir, 'one.json'), join(reportsDir, 'other.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toContain('from another sweep');
    const missing = await runCli(['merge', join(reportsDir, 'one.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('needs shards 1, 2 exactly once');
    const bad = await runCli(['check', 'examples/providers/good-static-key.ts', '--shard', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--shard');
  });
});
