import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bundleEntry } from '../bin/self-bundle.mjs';
import { repositoryRoot, scratchModules } from './cli-support.ts';

// The CLI as a process: its verdict ends it whatever provider code left open; a closed pipe and a signal end
// it the way a Unix tool ends.
const { folder, failuresDir, write: module } = scratchModules('rtc-sim-process-exit');

/** A spawned CLI whose output is collected as it comes, with the real time of its last output and of its exit. */
interface Watched {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly out: () => string;
  readonly err: () => string;
  /** Resolves once `pattern` has appeared on stdout or stderr. */
  readonly printed: (pattern: RegExp) => Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; lastOutputMs: number; exitMs: number }>;
}

function watch(entry: string, argv: readonly string[], env: Record<string, string> = {}): Watched {
  const child = spawn(process.execPath, [entry, ...argv], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let lastOutputMs = performance.now();
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const seen = (): void => {
    lastOutputMs = performance.now();
    const text = Buffer.concat([...out, ...err]).toString();
    for (const wait of waiting.filter(({ pattern }) => pattern.test(text))) wait.resolve();
  };
  child.stdout.on('data', (chunk: Buffer) => (out.push(chunk), seen()));
  child.stderr.on('data', (chunk: Buffer) => (err.push(chunk), seen()));
  // A process that never exits fails the test here rather than hanging it.
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return {
    child,
    out: () => Buffer.concat(out).toString(),
    err: () => Buffer.concat(err).toString(),
    printed: (pattern) => new Promise((resolve) => (waiting.push({ pattern, resolve }), seen())),
    exit: new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        clearTimeout(killer);
        resolve({ code, signal, lastOutputMs, exitMs: performance.now() });
      }),
    ),
  };
}

const bin = join(repositoryRoot, 'bin/rtc-sim.js');

describe('the verdict ends the process', () => {
  it('a provider that keeps a real handle open (a watched folder): exit 0 right after the verdict', async () => {
    // The sandbox refuses fs.watch (test/in-process-release.test.ts); a file loaded outside the bundle, by a
    // require made with createRequire, runs in the host and still can.
    module('watch-folder.cjs', `require('node:fs').watch(${JSON.stringify(folder)});\n`);
    const path = module('watches.js', `import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./watch-folder.cjs');\nexport default async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? 'h' });\n`);
    const run = watch(bin, ['check', path, '--runs', '20', '--failures-dir', failuresDir]);
    const { code, lastOutputMs, exitMs } = await run.exit;
    expect(run.out()).toContain('✓ PASS');
    expect(code).toBe(0);
    expect(exitMs - lastOutputMs).toBeLessThan(1000);
    // Named, since in-process (sweep(), the vitest helper) it would stay open (once: the host caches that file).
    expect(run.err()).toMatch(/^warning: provider code or its packages left 1 file watcher \(FSEventWrap\) open; rtc-sim ends with its verdict regardless/m);
  });

  it('a provider that leaves nothing open gets no such warning', async () => {
    const run = watch(bin, ['check', 'examples/providers/good-static-key.ts', '--runs', '1100', '--workers', '2']);
    expect((await run.exit).code).toBe(0);
    expect(run.err()).not.toContain('left');
  });

  it('an npm package of the provider that opens a server socket and an interval: the process still ends with its verdict', async () => {
    // npm packages are loaded once per process, outside the per-browser sandbox: their socket is a real one.
    const packageFolder = join(folder, 'node_modules', 'leaky-server');
    mkdirSync(packageFolder, { recursive: true });
    writeFileSync(join(packageFolder, 'package.json'), JSON.stringify({ name: 'leaky-server', version: '1.0.0', type: 'module', main: 'index.js' }));
    writeFileSync(join(packageFolder, 'index.js'), `import { createServer } from 'node:net';\ncreateServer().listen(0, '127.0.0.1');\nsetInterval(() => {}, 1000);\nexport const hint = (keyHint) => keyHint ?? 'h';\n`);
    const path = module('uses-leaky-server.js', `import { hint } from 'leaky-server';\nexport default async ({ keyHint }) => ({ key: 'k', keyHint: hint(keyHint) });\n`);
    const run = watch(bin, ['check', path, '--runs', '20', '--json', '--failures-dir', failuresDir]);
    const { code, lastOutputMs, exitMs } = await run.exit;
    // Whatever the verdict (once npm packages are bundled into the sandbox, their socket may be refused and
    // reported instead), the process ends right after it.
    expect(code).not.toBeNull();
    expect(exitMs - lastOutputMs).toBeLessThan(1000);
    if (code === 0) {
      expect(JSON.parse(run.out())).toMatchObject({ verdict: 'pass' });
      expect(run.err()).toContain('left 1 server socket (TCPServerWrap), 1 timer (Timeout) open');
    }
  });
});

describe('Unix manners', () => {
  it('a reader that stops reading (check … | head -1) ends the run quietly with its verdict’s exit code', async () => {
    // --verbose prints a line per run: the pipe is closed long before the last one is written.
    const run = watch(bin, ['check', 'examples/providers/good-static-key.ts', '--runs', '300', '--verbose']);
    await run.printed(/world: /);
    run.child.stdout.destroy();
    const { code } = await run.exit;
    expect(run.err()).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('Ctrl-C (SIGINT) during a long sweep: one line with the runs done and how to resume, exit 130', async () => {
    const run = watch(bin, ['check', 'examples/providers/good-static-key.ts', '--runs', '200000']);
    // A progress line says the sweep is underway (without a terminal, one every few seconds).
    await run.printed(/progress: /);
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    expect(code).toBe(130);
    const last = run.err().trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^interrupted by SIGINT after [\d,]+ of 200,000 runs, no failure so far \(seeds 1…\d+ passed\); resume with: node bin\/rtc-sim\.js check examples\/providers\/good-static-key\.ts --seed \d+ --runs \d+$/);
    const [, passed, next, left] = /1…(\d+) passed.*--seed (\d+) --runs (\d+)$/.exec(last) ?? [];
    expect(Number(next)).toBe(Number(passed) + 1);
    expect(Number(next) + Number(left)).toBe(200_001);
    expect(run.out()).toBe('');
  });

  it('SIGTERM with --json: a partial report marked interrupted on stdout, exit 143', async () => {
    // The CLI child itself (as the bin's supervisor runs it), told to write its activity where this test reads it.
    const bundle = await bundleEntry('src/cli.ts');
    const activity = join(folder, 'activity-json');
    writeFileSync(activity, '');
    const run = watch(bin, ['check', 'examples/providers/good-static-key.ts', '--runs', '200000', '--seed', '5', '--json'], { RTC_SIM_CLI_BUNDLE: bundle ?? '', RTC_SIM_ACTIVITY_FILE: activity });
    // A thread's slot says `run <seed>` while it runs one; runs are counted 64 at a time.
    const seedsRunning = (): number[] => [...readFileSync(activity).toString().matchAll(/ run (\d+)/g)].map((match) => Number(match[1]));
    for (let waited = 0; waited < 600 && !seedsRunning().some((seed) => seed >= 5 + 64); waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(143);
    const report = JSON.parse(run.out()) as { interrupted: boolean; signal: string; runs: number; runsTotal: number; seed: number; seedsPassed: number; resume: string };
    expect(report).toMatchObject({ interrupted: true, signal: 'SIGTERM', runsTotal: 200_000, seed: 5 });
    expect(report.runs).toBeGreaterThanOrEqual(64);
    expect(report.resume).toBe(`node bin/rtc-sim.js check examples/providers/good-static-key.ts --json --seed ${5 + report.seedsPassed} --runs ${200_000 - report.seedsPassed}`);
  });
});
