import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, scratchModules } from '../cli-support.ts';

// Ctrl-C after a failure was found keeps it: the failing seed named, its decision file saved (the run as
// found, before shrinking), a replay line, and a resume line that continues after the failing seed.
const scratch = scratchModules('rtc-sim-interrupt-keeps');

/** Runs check on a buggy example in a big world (slow to shrink) and sends SIGINT once the failure is saved. */
function interruptOnceSaved(workers: number): Promise<{ code: number | null; err: string; out: string; savedAt: string | undefined }> {
  const failuresDir = join(scratch.failuresDir, `workers-${workers}`);
  const child = spawn(process.execPath, ['bin/rtc-sim.js', 'check', 'examples/providers/buggy-unawaited-write.ts', '--clients', '300', '--runs', '2000', '--workers', String(workers), '--failures-dir', failuresDir], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let savedAt: string | undefined;
  const poll = setInterval(() => {
    if (!existsSync(failuresDir) || readdirSync(failuresDir).length === 0) return;
    clearInterval(poll);
    savedAt = join(failuresDir, readdirSync(failuresDir)[0] ?? '');
    child.kill('SIGINT');
  }, 10);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, err, out, savedAt });
    }),
  );
}

describe('Ctrl-C during shrinking keeps the failure', () => {
  it.each([1, 2])('with %i worker(s): the failing seed, its saved decision file, a replay line and a resume line after it; exit 130', async (workers) => {
    const run = await interruptOnceSaved(workers);
    expect(run.code).toBe(130);
    // Interrupted before the report: nothing of it was printed.
    expect(run.out).toBe('');
    const last = run.err.trimEnd().split('\n').at(-1) ?? '';
    const match = /^interrupted by SIGINT: seed (\d+) failed \(hint-stability\), not yet shrunk; saved: (\S+); replay it with: node bin\/rtc-sim\.js replay --file (\S+); resume the sweep after it with: node bin\/rtc-sim\.js check examples\/providers\/buggy-unawaited-write\.ts --clients 300 --workers \d --failures-dir \S+ --seed (\d+) --runs (\d+)$/.exec(last);
    expect(match, last).not.toBeNull();
    const [, seed, saved, replayed, next, left] = match ?? [];
    expect(saved).toBe(run.savedAt);
    expect(replayed).toBe(saved);
    expect(Number(next)).toBe(Number(seed) + 1);
    expect(Number(next) + Number(left)).toBe(2001);
    const file = JSON.parse(readFileSync(saved ?? '', 'utf8')) as { originalSeed: number; property: string; config: { clients: number } };
    // The run as found, not shrunk: its world is the big one.
    expect(file).toMatchObject({ originalSeed: Number(seed), property: 'hint-stability', config: { clients: 300 } });
  }, 120_000);
});
