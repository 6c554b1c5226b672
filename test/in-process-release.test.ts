import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { describeLeftOpen, heldHandles } from '../src/cli/left-open.ts';
import { sweep, type SweepReport } from '../src/explore/sweep.ts';
import { loadProviderSource } from '../src/load-provider-source.ts';
import { checkProvider } from '../src/vitest.ts';
import { scratchModules } from './cli-support.ts';

// In-process (sweep(), the vitest helper) nothing ends the process after the verdict: a handle provider code
// opens — one per simulated browser per run — must never be opened at all. The call is refused and named.
const { folder, failuresDir, write: module } = scratchModules('rtc-sim-in-process-release');

// A child that would outlive the sweep, but not the test run by long if a regression lets it start.
const childArguments = JSON.stringify(['-e', 'setTimeout(() => {}, 3000)']);

async function sweepModule(path: string): Promise<SweepReport> {
  const source = await loadProviderSource(path);
  if (!source.ok) throw new Error(source.error.message);
  return sweep({ source: source.value, runs: 20, seed: 1, pins: { clients: 3 } });
}

/** The determinism finding the sweep stopped at: the call and its advice. */
function finding(report: SweepReport): string {
  expect(report.failure?.property).toBe('determinism');
  return report.failure?.message ?? '';
}

describe('in-process sweep(): a module that opens real handles leaves none open', () => {
  it('fs.watch at the top level (caught): refused in every browser, named as a determinism finding', async () => {
    const path = module('watches.js', `import { watch } from 'node:fs';\ntry { watch(${JSON.stringify(folder)}); } catch {}\nexport default async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? 'h' });\n`);
    const before = heldHandles();
    const report = await sweepModule(path);
    expect(describeLeftOpen(before)).toBeUndefined();
    expect(finding(report)).toMatch(/fs\.watch\(\)/);
    expect(finding(report)).toMatch(/env\.keyStore/);
  });

  it('fs.watch uncaught at the top level: an input error naming the call, nothing left open', async () => {
    const path = module('watches-uncaught.js', `import fs from 'node:fs';\nfs.watch(${JSON.stringify(folder)});\nexport default async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? 'h' });\n`);
    const before = heldHandles();
    const source = await loadProviderSource(path);
    expect(source.ok ? '' : source.error.message).toMatch(/evaluating .*watches-uncaught\.js threw .*rtc-sim: fs\.watch\(\) is not available inside the simulation/);
    expect(describeLeftOpen(before)).toBeUndefined();
  });

  it('fs.watchFile, fs.promises.watch and a worker thread, in createProvider: refused, each named', async () => {
    const path = module(
      'watches-file.js',
      `import { watchFile, promises } from 'node:fs';\nimport { Worker, MessageChannel } from 'node:worker_threads';\nexport function createProvider() {\n  const refused = [];\n  for (const open of [() => watchFile(${JSON.stringify(folder)}, () => {}), () => promises.watch(${JSON.stringify(folder)}).next(), () => new Worker('setTimeout(() => {}, 3000)', { eval: true }), () => new MessageChannel()]) {\n    try { open(); } catch (error) { refused.push(error.message); }\n  }\n  return async ({ keyHint }) => ({ key: refused.length === 4 ? 'k' : 'not refused', keyHint: keyHint ?? 'h' });\n}\n`,
    );
    const before = heldHandles();
    const report = await sweepModule(path);
    expect(describeLeftOpen(before)).toBeUndefined();
    // The first finding stops the run; every call was refused (the key says so), the first one named.
    expect(finding(report)).toMatch(/fs\.watchFile\(\)/);
    expect(report.failure?.replayed.trace?.filter((record) => record.kind === 'nondeterminism').map((record) => (record as { api: string }).api)).toEqual(
      expect.arrayContaining(['fs.watchFile()', 'fs.promises.watch()', 'new worker_threads.Worker()', 'new worker_threads.MessageChannel()']),
    );
  });

  it('a require made with createRequire (as bundled ESM packages make one) gets the same refusals', async () => {
    const path = module(
      'creates-require.js',
      `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\ntry { require('node:fs').watch(${JSON.stringify(folder)}); } catch {}\ntry { require('net').createServer().listen(0); } catch {}\nexport default async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? 'h' });\n`,
    );
    const before = heldHandles();
    const report = await sweepModule(path);
    expect(describeLeftOpen(before)).toBeUndefined();
    expect(finding(report)).toMatch(/fs\.watch\(\)/);
    expect(report.failure?.replayed.trace?.filter((record) => record.kind === 'nondeterminism').map((record) => (record as { api: string }).api)).toEqual(
      expect.arrayContaining(['fs.watch()', 'require("net")']),
    );
  });

  it('a child process spawned in createProvider: refused, named, none left running', async () => {
    const path = module(
      'spawns.js',
      `import { spawn } from 'node:child_process';\nexport function createProvider() {\n  try { spawn(${JSON.stringify(process.execPath)}, ${childArguments}); } catch {}\n  return async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? 'h' });\n}\n`,
    );
    const before = heldHandles();
    const report = await sweepModule(path);
    expect(describeLeftOpen(before)).toBeUndefined();
    expect(finding(report)).toMatch(/child_process\.spawn\(\)/);
  });
});

describe('in-process checkProvider: a factory in the host realm that opens real handles leaves none open', () => {
  it('fs.watch in the factory: refused while provider code runs, named as a determinism finding', async () => {
    const before = heldHandles();
    const result = await checkProvider(
      () => {
        try {
          watch(folder);
        } catch {
          // Refused: the finding names the call.
        }
        return async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? 'h' });
      },
      { runs: 20, pins: { clients: 3 }, shrink: false, failuresDir },
    );
    expect(describeLeftOpen(before)).toBeUndefined();
    expect(result.failure?.property).toBe('determinism');
    expect(result.failure?.message).toMatch(/fs\.watch\(\)/);
    // Outside provider code the host's fs.watch is the real one.
    const watcher = watch(folder);
    expect(describeLeftOpen(before)).toMatch(/1 file watcher \(FSEventWrap\)/);
    watcher.close();
  });

  it('a child process and a worker thread in the factory: refused, named, none left', async () => {
    const before = heldHandles();
    const result = await checkProvider(
      () => {
        try {
          spawn(process.execPath, JSON.parse(childArguments) as string[]);
        } catch {
          // Refused.
        }
        try {
          new Worker('setTimeout(() => {}, 3000)', { eval: true });
        } catch {
          // Refused.
        }
        return async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? 'h' });
      },
      { runs: 20, pins: { clients: 3 }, shrink: false, failuresDir },
    );
    expect(describeLeftOpen(before)).toBeUndefined();
    expect(result.failure?.message).toMatch(/child_process\.spawn\(\)/);
    const apis = result.report.failure?.replayed.trace?.filter((record) => record.kind === 'nondeterminism').map((record) => (record as { api: string }).api);
    expect(apis).toEqual(expect.arrayContaining(['child_process.spawn()', 'new worker_threads.Worker()']));
  });
});
