import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleEntry } from '../bin/self-bundle.mjs';
import { activitySlotBytes, stallSeconds } from '../bin/supervise.mjs';
import { repositoryRoot, scratchModules, spawnCli } from './cli-support.ts';

// Provider code that never returns cannot be interrupted by a simulated bound: the supervisor in the bin
// stops the process and names what blocked. A short bound keeps these tests quick.
const { folder, failuresDir, write: module } = scratchModules('rtc-sim-supervisor');
const quickly = { RTC_SIM_STALL_SECONDS: '1.5' };

describe('the supervisor stops provider code that blocks synchronously', () => {
  it('an endless loop in the provider: exit 3, naming the seed, in text and JSON', async () => {
    const path = module('loop.js', `export default async ({ keyHint }) => {\n  if (keyHint === null) for (;;) {}\n  return { key: 'k' };\n};\n`);
    const text = await spawnCli(['check', path, '--failures-dir', failuresDir], quickly);
    expect(text.code).toBe(3);
    expect(text.err).toMatch(/✗ limit: seed 1 ran for 1\.5 s of real time without finishing: provider code blocks synchronously/);
    const json = await spawnCli(['check', path, '--json', '--failures-dir', failuresDir], quickly);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.out)).toMatchObject({ verdict: 'fail', failure: { property: 'limit', seed: 1, stalled: true } });
  });

  it('a loop in a worker thread is caught too, and the seed named is one the workers ran', async () => {
    // The sandbox's shared global counts calls per thread: the main thread's first chunk stays below the
    // threshold, a worker crosses it (a run makes about 15 calls: its clients', and five probes' per document).
    const path = module('later-loop.js', `export default async ({ keyHint }) => {\n  globalThis.calls = (globalThis.calls ?? 0) + 1;\n  if (globalThis.calls > 8000) for (;;) {}\n  return { key: 'k', keyHint: keyHint ?? 'h' };\n};\n`);
    const result = await spawnCli(['check', path, '--runs', '20000', '--workers', '2', '--json', '--failures-dir', failuresDir], quickly);
    expect(result.code).toBe(3);
    const seed = (JSON.parse(result.out) as { failure: { seed: number } }).failure.seed;
    expect(seed).toBeGreaterThan(250);
  });

  it('a module body that never returns is an input error (exit 2), and replay is supervised as well', async () => {
    const path = module('top-level-lööp.js', `while (true) {}\nexport default async () => ({ key: 'k', keyHint: 'h' });\n`);
    for (const argv of [['check', path], ['replay', '--seed', '3', path]]) {
      const result = await spawnCli(argv, quickly);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`input error: evaluating ${path} did not return within 1.5 s of real time`);
    }
  });

  it('a sweep that outlasts the bound many times over is not taken for a blocked one', async () => {
    // About 2,000 runs a second: each run is far below the bound, the sweep far above it.
    const result = await spawnCli(['check', 'examples/providers/good-store-backed-dynamic.ts', '--runs', '10000', '--workers', '1'], { RTC_SIM_STALL_SECONDS: '1' });
    expect(result.err).not.toContain('blocks synchronously');
    expect(result.code).toBe(0);
  });

  it('the child keeps its slot up to date: every run, a beat every 256 events of a long run, done with its exit code at the end', async () => {
    const bundle = await bundleEntry('src/cli.ts');
    const activity = join(folder, 'activity');
    writeFileSync(activity, '');
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/rtc-sim.js', 'check', 'examples/providers/good-store-backed-dynamic.ts', '--clients', '1500', '--runs', '2', '--faults', 'never', '--json'], {
        cwd: repositoryRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, RTC_SIM_CLI_BUNDLE: bundle ?? '', RTC_SIM_ACTIVITY_FILE: activity },
      });
      const out: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.on('exit', (code) => resolve({ code, out: Buffer.concat(out).toString() }));
    });
    expect(result.code).toBe(0);
    const steps = (JSON.parse(result.out) as { coverage: { stepsMax: number }[] }).coverage[0]?.stepsMax ?? 0;
    const slot = readFileSync(activity).subarray(0, activitySlotBytes).toString().trimEnd();
    const [count, state, code] = slot.split(' ');
    // The last word is the verdict's: the supervisor takes a child that ends without it as ending without a verdict.
    expect([state, code]).toEqual(['done', '0']);
    // A load and its end, a start and an end per run, and the beats of the longer run at least.
    expect(Number(count)).toBeGreaterThanOrEqual(2 + 2 * 2 + Math.floor(steps / 256));
  });

  it('the bound is read from RTC_SIM_STALL_SECONDS, and a bad value is a usage error', async () => {
    expect(stallSeconds(undefined)).toEqual({ seconds: 30 });
    expect(stallSeconds('2.5')).toEqual({ seconds: 2.5 });
    for (const bad of ['abc', '0', '-1', 'Infinity', '1e9']) expect(stallSeconds(bad).problem).toContain('RTC_SIM_STALL_SECONDS');
    const result = await spawnCli(['check', 'examples/providers/good-static-key.ts'], { RTC_SIM_STALL_SECONDS: 'soon' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('usage error: RTC_SIM_STALL_SECONDS must be a number of seconds');
  });
});
