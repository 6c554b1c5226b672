import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const good = 'examples/providers/good-store-backed-dynamic.ts';
const buggy = 'examples/providers/buggy-unawaited-write.ts';
const refusal = "every browser would stop with 'RTC services require a secure context': serve the page over https or from localhost";

describe('check --origin: a page that is not a secure context is an input error, found before any run', () => {
  it('the bin exits 2 naming http://staging.example, at once', async () => {
    const result = await spawnCli(['check', good, '--origin', 'http://staging.example']);
    expect(result.code).toBe(2);
    expect(result.err.trim()).toBe(`input error: the page origin http://staging.example is not a secure context: ${refusal}`);
    expect(result.out).not.toContain('runs');
  });

  it('http://localhost:3000 passes, and the origin is in every run\'s world', async () => {
    const result = await runCli(['check', good, '--origin', 'http://localhost:3000', '--runs', '30', '--verbose']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('✓ PASS');
    const worlds = result.out.split('\n').filter((line) => line.startsWith('world: '));
    expect(worlds).toHaveLength(30);
    expect(worlds.every((line) => line.endsWith(', origin http://localhost:3000'))).toBe(true);
  });

  it('without --origin the world is served over https by default', async () => {
    const result = await runCli(['check', good, '--runs', '1', '--verbose']);
    expect(result.out).toMatch(/^world: .*, origin https:\/\/app\.example$/m);
  });

  it('an origin pinned in a --config file is checked the same way; the flag wins over the file', async () => {
    const folder = temporaryFolder('rtc-sim-origin-');
    const insecure = join(folder, 'insecure.json');
    writeFileSync(insecure, JSON.stringify({ origin: 'http://staging.example' }));
    const fromFile = await runCli(['check', good, '--config', insecure, '--runs', '1']);
    expect(fromFile.code).toBe(2);
    expect(fromFile.err).toContain(`the page origin http://staging.example is not a secure context: ${refusal}`);
    expect((await runCli(['check', good, '--config', insecure, '--origin', 'https://app.example', '--runs', '1'])).code).toBe(0);
  });

  it('a bad URL is an exit-2 error naming it, from the flag and from a config file', async () => {
    const flag = await runCli(['check', good, '--origin', 'staging.example']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain(`"staging.example" is not a URL`);
    const folder = temporaryFolder('rtc-sim-origin-');
    const path = join(folder, 'bad.json');
    writeFileSync(path, JSON.stringify({ origin: 'ftp://files.example' }));
    const file = await runCli(['check', good, '--config', path]);
    expect(file.code).toBe(2);
    expect(file.err).toContain('origin: "ftp://files.example" has the scheme ftp');
  });
});

describe('the origin travels with a failure: JSON, decision file, reports and replay lines', () => {
  it('a failure found under http://localhost:3000 replays under it, by seed and by file', async () => {
    const failuresDir = temporaryFolder('rtc-sim-origin-failures-');
    const out = temporaryFolder('rtc-sim-origin-out-');
    const check = await runCli(['check', buggy, '--origin', 'http://localhost:3000', '--failures-dir', failuresDir, '--out', out, '--json']);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.out) as { failure: { replay: string; file: string; config: { origin: string } } };
    expect(report.failure.config.origin).toBe('http://localhost:3000');
    expect(report.failure.replay).toContain('--origin http://localhost:3000');
    const [decisionFile] = readdirSync(failuresDir);
    const saved = JSON.parse(readFileSync(join(failuresDir, decisionFile ?? ''), 'utf8')) as { config: { origin: string } };
    expect(saved.config.origin).toBe('http://localhost:3000');
    const html = readdirSync(out).find((name) => name.endsWith('.html')) ?? '';
    expect(readFileSync(join(out, html), 'utf8')).toContain('<tr><th>origin</th><td>http://localhost:3000</td></tr>');
    const trace = readdirSync(out).find((name) => name.endsWith('.trace.json')) ?? '';
    expect((JSON.parse(readFileSync(join(out, trace), 'utf8')) as { config: { origin: string } }).config.origin).toBe('http://localhost:3000');
    const replay = await runCli(['replay', '--file', join(failuresDir, decisionFile ?? '')]);
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/^world: .*, origin http:\/\/localhost:3000$/m);
  });

  it('replay --origin of an insecure page shows every browser stopping, rather than refusing to run', async () => {
    const replay = await runCli(['replay', '--seed', '1', good, '--origin', 'http://staging.example', '--faults', 'never']);
    expect(replay.code).toBe(1);
    expect(replay.out).toContain('failed: RTC services require a secure context');
    expect(replay.out).toMatch(/origin http:\/\/staging\.example \(not a secure context\)$/m);
  });
});

describe('run --scenario secure-context', () => {
  it('prints the seed\'s text and ends as expected; the localhost scenario runs the race', async () => {
    const insecure = await runCli(['run', '--scenario', 'secure-context']);
    expect(insecure.code).toBe(0);
    expect(insecure.out).toContain('c1       failed: RTC services require a secure context');
    expect(insecure.out).toContain('scenario ended as expected (liveness)');
    const localhost = await runCli(['run', '--scenario', 'secure-context-localhost']);
    expect(localhost.code).toBe(0);
    expect(localhost.out).toContain('scenario ended as expected (pass)');
    expect(localhost.out).not.toContain('RTC services require a secure context');
  });
});
