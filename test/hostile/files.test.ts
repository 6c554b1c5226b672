import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBackendModule } from '../../src/backend/load.ts';
import { sweep } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { serve, settling, testEnv, testMachine } from '../backend/support.ts';
import { scratchModules } from '../cli-support.ts';

// Files: a machine reads its project's files as they are on disk; what it writes lives in memory, one layer
// per start of the machine, so a run neither touches the disk nor depends on an earlier run.
const scratch = scratchModules('rtc-sim-files');
const template = scratch.write('template.sql', 'CREATE TABLE keys (hint text);\n');
const written = join(scratch.folder, 'written', 'log.txt');

const backend = scratch.write(
  'writes-backend.ts',
  `import fs from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
const migration = fs.readFileSync(${JSON.stringify(template)}, 'utf8');
export function createBackend() {
  fs.mkdirSync(${JSON.stringify(join(scratch.folder, 'written'))}, { recursive: true });
  return async () => {
    const before = fs.existsSync(${JSON.stringify(written)}) ? fs.readFileSync(${JSON.stringify(written)}, 'utf8') : '';
    fs.appendFileSync(${JSON.stringify(written)}, 'request\\n');
    await appendFile(${JSON.stringify(template)}, '-- changed\\n');
    const changed = await readFile(${JSON.stringify(template)}, 'utf8');
    fs.writeFileSync('relative.txt', 'x');
    fs.rmSync(${JSON.stringify(template)});
    return Response.json({ migration, before, changed, relative: fs.readFileSync('relative.txt', 'utf8'), removed: !fs.existsSync(${JSON.stringify(template)}) });
  };
}
`,
);

const diskBefore = (): string[] => readdirSync(scratch.folder).sort();

describe('the file system of a simulated machine', () => {
  it('a backend reads its real files and writes into memory: the disk is untouched, each start begins from the disk', async () => {
    const listed = diskBefore();
    const loaded = await loadBackendModule(backend);
    if (!loaded.ok) throw new Error(loaded.error.message);
    for (const start of [1, 2]) {
      const machine = testMachine();
      const started = await settling(loaded.value, loaded.value.start(testEnv(), machine));
      if (!started.ok) throw new Error(started.problem.message);
      const first = await (await serve(loaded.value, started.handler, new Request('https://app.example/a'))).json();
      expect(first, `start ${start}`).toEqual({ migration: 'CREATE TABLE keys (hint text);\n', before: '', changed: 'CREATE TABLE keys (hint text);\n-- changed\n', relative: 'x', removed: true });
      const second = (await (await serve(loaded.value, started.handler, new Request('https://app.example/b'))).json()) as { before: string };
      // The same start remembers its own writes (the removed file stays removed, the log grows).
      expect(second.before).toBe('request\n');
      expect(machine.findings).toEqual([]);
    }
    expect(diskBefore()).toEqual(listed);
    expect(existsSync(written)).toBe(false);
    expect(readFileSync(template, 'utf8')).toBe('CREATE TABLE keys (hint text);\n');
    expect(existsSync(join(scratch.folder, 'relative.txt'))).toBe(false);
  });

  it('a provider that writes and appends: nothing reaches the disk, and the run passes', async () => {
    const listed = diskBefore();
    const path = scratch.write(
      'writes-provider.js',
      `import { appendFileSync, writeFileSync, readFileSync } from 'node:fs';\nexport default async ({ keyHint }) => {\n  writeFileSync(${JSON.stringify(join(scratch.folder, 'provider-out.txt'))}, 'x');\n  appendFileSync(${JSON.stringify(template)}, 'y');\n  return { key: readFileSync(${JSON.stringify(template)}, 'utf8').slice(0, 6), keyHint: keyHint ?? 'h' };\n};\n`,
    );
    const listedWithModule = [...listed, 'writes-provider.js'].sort();
    const source = await loadProviderSource(path);
    if (!source.ok) throw new Error(source.error.message);
    const report = await sweep({ source: source.value, runs: 5, seed: 1, pins: { clients: 2 } });
    expect(report.failure).toBeUndefined();
    expect(diskBefore()).toEqual(listedWithModule);
    expect(readFileSync(template, 'utf8')).toBe('CREATE TABLE keys (hint text);\n');
  });

  it('fs.watch stays refused and named', async () => {
    const path = scratch.write('watches-backend.ts', `import { watch } from 'node:fs';\nexport function createBackend() {\n  return () => { try { watch('.'); } catch { return Response.json({ refused: true }); } return Response.json({ refused: false }); };\n}\n`);
    const loaded = await loadBackendModule(path);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const machine = testMachine();
    const started = await settling(loaded.value, loaded.value.start(testEnv(), machine));
    if (!started.ok) throw new Error(started.problem.message);
    expect(await (await serve(loaded.value, started.handler, new Request('https://app.example/'))).json()).toEqual({ refused: true });
    expect(machine.findings).toEqual([expect.objectContaining({ api: 'fs.watch()' })]);
  });
});
