import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { repositoryRoot, runCli, spawnCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const buggy = 'examples/providers/buggy-unawaited-write.ts';
const good = 'examples/providers/good-store-backed-dynamic.ts';
const failuresDir = temporaryFolder('rtc-sim-failures-');

/** The timeline lines of a text report: from the world line up to the outcome line. */
function timelineLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('world:'));
  const end = lines.findIndex((line) => line.startsWith('✗ ') && line.includes('violated at step'));
  return lines.slice(start, end + 1).filter((line) => line.trim() !== '');
}

describe('rtc-sim check and replay', () => {
  it('a buggy example exits 1 with a replay line, and running that line prints the same trace', async () => {
    const check = await runCli(['check', buggy, '--no-shrink', '--failures-dir', failuresDir]);
    expect(check.code).toBe(1);
    const replayLine = check.out.split('\n').find((line) => line.startsWith('replay: '));
    expect(replayLine).toMatch(/^replay: node bin\/rtc-sim\.js replay --seed \d+ examples\/providers\/buggy-unawaited-write\.ts$/);
    const argv = (replayLine ?? '').replace('replay: node bin/rtc-sim.js ', '').split(' ');
    const replay = await runCli(argv);
    expect(replay.code).toBe(1);
    expect(timelineLines(replay.out)).toEqual(timelineLines(check.out));
    expect(timelineLines(check.out).length).toBeGreaterThan(10);
  });

  it('by default the failure is shrunk, saved before exit, and its decision file replays the shown trace', async () => {
    const check = await runCli(['check', buggy, '--failures-dir', failuresDir]);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/^seed (\d+) failed; shrunk to 1 client\(s\).* \(from \d+ client\(s\)/m);
    const fileLine = check.out.split('\n').find((line) => line.startsWith('replay the shrunk run: '));
    const path = (fileLine ?? '').replace(/^.* replay --file /, '');
    expect(existsSync(resolve(repositoryRoot, path))).toBe(true);
    const replay = await runCli(['replay', '--file', path]);
    expect(replay.code).toBe(1);
    expect(timelineLines(replay.out)).toEqual(timelineLines(check.out));
  });

  it('the report says which run it shows: the failing seed and its message, then the shrunk run and its own, before the timeline', async () => {
    const check = await runCli(['check', buggy, '--failures-dir', failuresDir]);
    const lines = check.out.split('\n');
    const seed = /after \d+ runs/.test(lines[0] ?? '') ? /seed (\d+)/.exec(check.out.split('\n').find((line) => line.startsWith('replay: ')) ?? '')?.[1] : undefined;
    const world = lines.findIndex((line) => line.startsWith('world:'));
    const before = lines.slice(1, world);
    expect(before[0]).toMatch(new RegExp(`^seed ${seed} failed; shrunk to `));
    expect(before[1]).toMatch(new RegExp(`^  seed ${seed}: for d\\d+ and keyHint `));
    // The shrunk run's own violation, named before the switch, is the one the timeline ends with.
    const shown = /^ {2}the shrunk run, shown below: (.*)$/.exec(before[2] ?? '')?.[1];
    const violation = lines.find((line) => line.startsWith('✗ hint-stability violated at step'));
    expect(shown).toBeDefined();
    expect(violation?.endsWith(`: ${shown}`)).toBe(true);
  });

  it('after a pass, check says what each strategy covered, with the PCT bound', async () => {
    const check = await runCli(['check', good, '--runs', '300']);
    expect(check.out).toMatch(/^  random: \d+ runs, \d+ distinct schedules/m);
    expect(check.out).toMatch(/^  pct: \d+ runs, .*per-run bound 1\/\(n·k\^\(d−1\)\) with n=\d+, k=\d+: d=\d: \d+ runs, each ≥ /m);
  });

  it('check --strategy exhaustive prints the schedules it explored and whether the space was covered', async () => {
    const pass = await runCli(['check', 'examples/providers/good-static-key.ts', '--strategy', 'exhaustive']);
    expect(pass.code).toBe(0);
    expect(pass.out).toMatch(/^(\d+) distinct schedules explored \(Mazurkiewicz traces; \1 executions started, 1\.00 per trace\), .* the whole space was covered$/m);
    const cut = await runCli(['check', good, '--strategy', 'exhaustive', '--runs', '3']);
    expect(cut.out).toContain('3 distinct schedules explored');
    expect(cut.out).toContain('cut by the --runs bound');
    const fail = await runCli(['check', buggy, '--strategy', 'exhaustive', '--failures-dir', failuresDir]);
    expect(fail.code).toBe(1);
    expect(fail.out).toContain('replay the shrunk run: ');
  });

  it('a good example exits 0', async () => {
    const check = await runCli(['check', good, '--runs', '500']);
    expect(check.code).toBe(0);
    expect(check.out).toContain('✓ PASS');
  });

  it('--json prints one object with verdict, runs, seed and the failure with its replay line', async () => {
    const check = await runCli(['check', buggy, '--json', '--seed', '5', '--clients', '3', '--failures-dir', failuresDir]);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.out) as Record<string, unknown> & { failure: Record<string, unknown> };
    expect(report).toMatchObject({ verdict: 'fail', seed: 5 });
    expect(report['runs']).toBeGreaterThan(0);
    expect(report.failure).toMatchObject({ property: 'hint-stability' });
    expect(report.failure['replay']).toContain(`--seed ${String(report.failure['seed'])}`);
    expect(report.failure['replay']).toContain('--clients 3');
    const pass = JSON.parse((await runCli(['check', good, '--json', '--runs', '100'])).out) as Record<string, unknown>;
    expect(pass).toMatchObject({ verdict: 'pass', runs: 100, seed: 1 });
    expect(pass['failure']).toBeUndefined();
  });
});

describe('bad input exits 2 with a message naming what is wrong', () => {
  const folder = temporaryFolder('rtc-sim-bad-');
  writeFileSync(join(folder, 'no-export.ts'), 'export const helper = 1;\n');
  writeFileSync(join(folder, 'syntax.ts'), 'export default async function (\n');
  writeFileSync(join(folder, 'throws-on-load.js'), 'throw new Error("cannot start");\nexport default async () => ({ key: "k" });\n');
  writeFileSync(join(folder, 'notes.txt'), 'not code');

  const cases: [string, string[], RegExp][] = [
    ['a missing file', ['check', join(folder, 'missing.ts')], /provider module not found/],
    ['a module with neither export', ['check', join(folder, 'no-export.ts')], /exports neither createProvider\(env\) nor a default .* \(it exports: helper\)/],
    ['a module with a syntax error', ['check', join(folder, 'syntax.ts')], /cannot build .*syntax\.ts: line \d+:\d+ Expected identifier/],
    ['a module that throws while loading', ['check', join(folder, 'throws-on-load.js')], /threw Error: cannot start/],
    ['a file that is not a module', ['check', join(folder, 'notes.txt')], /must be a \.ts, .* file/],
    ['a negative run count', ['check', 'examples/providers/good-static-key.ts', '--runs', '-5'], /--runs.*whole number from 1/],
    ['a run count that is not a number', ['check', 'examples/providers/good-static-key.ts', '--runs', 'many'], /--runs.*whole number/],
    ['zero clients', ['check', 'examples/providers/good-static-key.ts', '--clients', '0'], /--clients.*whole number from 1/],
    ['an unknown strategy', ['check', 'examples/providers/good-static-key.ts', '--strategy', 'psychic'], /--strategy.*one of portfolio, random, pct, timed, exhaustive/],
    ['an unknown option', ['check', 'examples/providers/good-static-key.ts', '--fast'], /unknown option '--fast'/],
    ['a missing module argument', ['check'], /missing required argument 'module'/],
    ['replay without a seed', ['replay', 'examples/providers/good-static-key.ts'], /--seed/],
    ['an unknown command', ['frobnicate'], /unknown command/],
    ['an unknown scenario', ['run', '--scenario', 'no-such-story'], /no scenario named no-such-story/],
    ['a scenario name with a path in it', ['run', '--scenario', '../package'], /scenario name is lower-case/],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const result = await runCli(argv);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
    });
  }
});

describe('as a real process', () => {
  it('exit codes are 1 for a violation and 2 for a missing module, with no stack trace', async () => {
    const violated = await spawnCli(['check', 'examples/providers/buggy-new-key-every-call.ts', '--failures-dir', failuresDir]);
    expect(violated.code).toBe(1);
    expect(violated.out).toContain('replay: ');
    const missing = await spawnCli(['check', 'examples/providers/nope.ts']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('provider module not found');
    expect(`${missing.err}${violated.err}`).not.toMatch(/^\s+at /m);
  });

  it('the bundled bin spreads a sweep over two workers, themselves run from a bundle', async () => {
    const result = await spawnCli(['check', 'examples/providers/good-static-key.ts', '--runs', '600', '--workers', '2', '--json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ verdict: 'pass', runs: 600 });
  });

  it('run --scenario seeds-race exits 0 and tells the story', async () => {
    const result = await spawnCli(['run', '--scenario', 'seeds-race']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('scenario ended as expected (pass)');
  });
});
