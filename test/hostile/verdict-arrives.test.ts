import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, scratchModules, spawnCli } from '../cli-support.ts';

// The verdict always arrives: a child that ends without one is reported by the supervisor, naming the seed;
// a supervisor killed outright takes its child with it, and its folder is removed by the next run.
const scratch = scratchModules('rtc-sim-verdict-arrives');
const loops = scratch.write('loops.js', "export default async ({ keyHint }) => {\n  if (keyHint === null) for (;;) {}\n  return { key: 'k' };\n};\n");

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const childrenOf = (pid: number): number[] => {
  try {
    // The CLI child, not esbuild's service process (the supervisor bundles the CLI first).
    const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n');
    return lines.filter((line) => line.includes('bin/rtc-sim.js')).map((line) => Number.parseInt(line.trim(), 10));
  } catch {
    return [];
  }
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The activity folder of the supervisor `pid` (its pid file names it). */
function activityFolder(pid: number): string | undefined {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('rtc-sim-activity-'))
    .map((name) => join(tmpdir(), name))
    .find((path) => existsSync(join(path, 'pid')) && readFileSync(join(path, 'pid'), 'utf8') === String(pid));
}

/** Spawns the bin on the looping provider and waits until its child is busy running seed 1. */
async function blockedCheck(): Promise<{ supervisor: ReturnType<typeof spawn>; child: number; exited: Promise<number | null>; out: () => string }> {
  const supervisor = spawn(process.execPath, ['bin/rtc-sim.js', 'check', loops, '--json', '--failures-dir', scratch.failuresDir], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, RTC_SIM_STALL_SECONDS: '600' } });
  const chunks: Buffer[] = [];
  supervisor.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<number | null>((resolve) => supervisor.on('exit', (code) => resolve(code)));
  for (let waited = 0; waited < 300; waited++) {
    await sleep(100);
    const [child] = childrenOf(supervisor.pid ?? 0);
    const activity = join(activityFolder(supervisor.pid ?? 0) ?? '', 'threads');
    if (child !== undefined && existsSync(activity) && / run 1\b/.test(readFileSync(activity, 'utf8'))) return { supervisor, child, exited, out: () => Buffer.concat(chunks).toString() };
  }
  throw new Error('the supervised child never started');
}

describe('the verdict always arrives', () => {
  it('out of memory (a child with a 64 MB heap): a limit verdict naming the seed, in --json, exit 3', async () => {
    const hoards = scratch.write('hoards.js', 'const hoard = [];\nexport default async ({ keyHint }) => {\n  for (;;) hoard.push(new Array(1000).fill(hoard.length));\n};\n');
    const result = await spawnCli(['check', hoards, '--runs', '3', '--json', '--failures-dir', scratch.failuresDir], { NODE_OPTIONS: '--max-old-space-size=64' });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out)).toEqual({ verdict: 'fail', failure: { property: 'limit', seed: 1, outOfMemory: true, message: expect.stringMatching(/^the check ran out of memory \(V8 stopped at its heap limit\) while running seed 1, before its verdict/) } });
    expect(result.err).toMatch(/✗ limit: the check ran out of memory/);
  }, 60_000);

  it('a child killed from outside mid-run: an internal outcome naming the seed, exit 70, never a pass', async () => {
    const { child, exited, out } = await blockedCheck();
    process.kill(child, 'SIGKILL');
    expect(await exited).toBe(70);
    expect(JSON.parse(out())).toEqual({ verdict: 'fail', failure: { property: 'internal', seed: 1, message: 'the check was ended by SIGKILL while running seed 1, before its verdict. rtc-sim did not end it: code under test, or something outside, did.' } });
  }, 60_000);

  it('a supervisor killed with SIGKILL takes its child with it; the next run removes its folder', async () => {
    const { supervisor, child, exited } = await blockedCheck();
    const folder = activityFolder(supervisor.pid ?? 0);
    expect(folder).toBeDefined();
    supervisor.kill('SIGKILL');
    await exited;
    // The child notices its parent is gone on its own watch (a loaded machine may take seconds): wait up to 15 s.
    for (let waited = 0; waited < 150 && alive(child); waited++) await sleep(100);
    expect(alive(child)).toBe(false);
    expect(existsSync(folder ?? '')).toBe(true);
    expect((await spawnCli(['check', 'examples/providers/good-static-key.ts', '--runs', '1'])).code).toBe(0);
    expect(existsSync(folder ?? '')).toBe(false);
  }, 60_000);
});
