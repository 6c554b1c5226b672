import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { routeTimeKeywords } from '../../src/database/postgres/clock-sql.ts';
import { recoverStaleServers } from '../../src/database/postgres/server.ts';
import { repositoryRoot, spawnCli } from '../cli-support.ts';

const stack = 'examples/stacks/postgres-sessions';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a real PostgreSQL server under the schedule', () => {
  it('same seed, two processes: byte-identical timelines, lock waits included', async () => {
    const argv = ['replay', '--seed', '45', `${stack}/provider.ts`, '--backend', `${stack}/good-select-for-update.ts`];
    const [first, second] = await Promise.all([spawnCli(argv), spawnCli(argv)]);
    expect(first.out).toContain('waits for a lock held by tx:c1.1#1 (session 2)');
    expect(first.out).toContain('✓ every property held');
    expect(second.out).toBe(first.out);
  }, 60_000);

  it.each(['SIGKILL', 'SIGTERM', 'SIGINT'] as const)('a process ended by %s leaves no server and no data directory behind', async (signal) => {
    const script = `import { sharedServer } from './src/database/postgres/server.ts';
const server = await sharedServer();
console.log(JSON.stringify(server));
setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    const { socketDirectory } = JSON.parse(line) as { socketDirectory: string };
    const postmasterPid = Number(readFileSync(join(socketDirectory, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(alive(postmasterPid)).toBe(true);
    child.kill(signal);
    for (let waited = 0; waited < 100 && (alive(postmasterPid) || existsSync(socketDirectory)); waited++) await delay(100);
    expect(alive(postmasterPid)).toBe(false);
    expect(existsSync(socketDirectory)).toBe(false);
  }, 60_000);
});

describe('what an earlier process left behind', () => {
  it('a run directory whose owner is gone is removed at the next start; the directory of a live owner is kept', () => {
    const root = join(tmpdir(), 'rtc-sim-postgres');
    const stale = join(root, 'run-999999999-stale');
    const live = join(root, `run-${process.pid}-live`);
    for (const [directory, owner] of [[stale, 999_999_999], [live, process.pid]] as const) {
      mkdirSync(join(directory, 'data'), { recursive: true });
      writeFileSync(join(directory, 'owner.pid'), String(owner));
    }
    recoverStaleServers();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true, force: true });
  });
});

describe('time keywords are routed to the simulated clock', () => {
  it('CURRENT_TIMESTAMP, LOCALTIMESTAMP and CURRENT_DATE outside literals and comments', () => {
    expect(routeTimeKeywords(`SELECT current_timestamp, CURRENT_TIMESTAMP(3), localtimestamp, current_date, 'current_date', "current_date", x.current_date -- current_date\n`)).toBe(
      `SELECT rtcsim.now(), rtcsim.now()::timestamptz(3), rtcsim.now()::timestamp, rtcsim.now()::date, 'current_date', "current_date", x.current_date -- current_date\n`,
    );
  });

  it('leaves text without them untouched, dollar-quoted bodies included', () => {
    const body = 'CREATE FUNCTION f() RETURNS date AS $$ SELECT current_date $$ LANGUAGE sql';
    expect(routeTimeKeywords(body)).toBe(body);
    expect(routeTimeKeywords('SELECT now()')).toBe('SELECT now()');
  });
});
