import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { main } from '../src/cli/main.ts';

/** The repository root: the CLI's paths in these tests are relative to it. */
export const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text), colour: false, cwd: repositoryRoot });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Runs the CLI as a real process through the package's bin (its esbuild bundle), as a user would. */
export function spawnCli(argv: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/rtc-sim.js', ...argv],
      { cwd: repositoryRoot, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, out: stdout, err: stderr });
      },
    );
  });
}

/** A temporary folder of provider modules written by a test, and one for the failures their checks save. */
export function scratchModules(prefix: string): { readonly folder: string; readonly failuresDir: string; write(name: string, code: string): string } {
  const folder = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const failuresDir = mkdtempSync(join(tmpdir(), `${prefix}-failures-`));
  // Removed when the suite that made them ends: a test run leaves nothing in the system's temporary folder.
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
    rmSync(failuresDir, { recursive: true, force: true });
  });
  return {
    folder,
    failuresDir,
    write(name, code) {
      const path = join(folder, name);
      writeFileSync(path, code);
      return path;
    },
  };
}
