// Runs the CLI in a child process and stops it when provider code blocks synchronously. A simulated bound
// cannot interrupt `while (true) {}` in a provider: the thread running it runs nothing else. So each thread of
// the child keeps a slot of a small file up to date with what it does (see src/supervisor-signal.ts), this
// process reads the file a few times a second, and a thread that stays inside one run, or one module
// evaluation, for longer than the stall bound is taken as blocked: the child is killed and the seed that
// blocked is named.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Exit codes, as src/cli/exit-codes.ts defines them. */
const exitInput = 2;
const exitLimit = 3;
const exitInternal = 70;

const stallSecondsDefault = 30;
/**
 * How long preparing a run's world may take at least (the database's cold start, the backend's setup;
 * RTC_SIM_PREPARE_SECONDS), whatever the stall bound: a real PostgreSQL server's initdb and start take seconds
 * on a loaded machine, and are not the seed's doing.
 */
const prepareSecondsDefault = 120;

/** The stall bound in seconds, from RTC_SIM_STALL_SECONDS; a message when the variable is not a number. */
export function stallSeconds(text, variable = 'RTC_SIM_STALL_SECONDS', secondsDefault = stallSecondsDefault) {
  if (text === undefined || text === '') return { seconds: secondsDefault };
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    return { problem: `usage error: ${variable} must be a number of seconds in (0, 86400], got ${JSON.stringify(text)}` };
  }
  return { seconds };
}

/**
 * Runs `node <entry> ...args` supervised and resolves with the exit code to leave with: the child's own, or
 * 3 (2 for a module body that never returns) when it blocked.
 */
export async function superviseCli(entry, args, options = {}) {
  const bound = stallSeconds(process.env.RTC_SIM_STALL_SECONDS);
  if (bound.problem !== undefined) {
    process.stderr.write(`${bound.problem}\n`);
    return exitInput;
  }
  const prepareBound = stallSeconds(process.env.RTC_SIM_PREPARE_SECONDS, 'RTC_SIM_PREPARE_SECONDS', prepareSecondsDefault);
  if (prepareBound.problem !== undefined) {
    process.stderr.write(`${prepareBound.problem}\n`);
    return exitInput;
  }
  const stallMs = bound.seconds * 1000;
  const prepareMs = Math.max(stallMs, prepareBound.seconds * 1000);
  removeStaleFolders();
  const folder = mkdtempSync(join(tmpdir(), activityFolderPrefix));
  const activityFile = join(folder, 'threads');
  writeFileSync(activityFile, '');
  // Whose folder this is: a run that finds it with its owner gone (killed with SIGKILL) removes it.
  writeFileSync(join(folder, 'pid'), String(process.pid));
  const child = spawn(process.execPath, [...process.execArgv, entry, ...args], {
    stdio: 'inherit',
    env: { ...process.env, RTC_SIM_ACTIVITY_FILE: activityFile, ...options.env },
  });
  guardChild(child.pid);
  // Signals are passed on, and the child's exit decides this one's (a terminal's Ctrl-C reaches both).
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  /** Per slot: its last text and since when it has read so. */
  const seen = new Map();
  let stalled;
  const watch = setInterval(() => {
    const nowMs = Date.now();
    for (const [slot, text] of readSlots(activityFile)) {
      const before = seen.get(slot);
      if (before === undefined || before.text !== text) {
        seen.set(slot, { text, sinceMs: nowMs });
        continue;
      }
      const doing = /^\d+ (run|load|prepare) (.*)$/.exec(text);
      const boundMs = doing?.[1] === 'prepare' ? prepareMs : stallMs;
      if (doing === null || nowMs - before.sinceMs < boundMs) continue;
      stalled = { what: doing[1], detail: doing[2], seconds: boundMs / 1000 };
      child.kill('SIGKILL');
      clearInterval(watch);
      return;
    }
  }, Math.min(250, stallMs / 4));
  const { code, signal } = await new Promise((resolve) => child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })));
  clearInterval(watch);
  const last = readSlots(activityFile);
  const machine = machineAtFatalError(folder);
  rmSync(folder, { recursive: true, force: true });
  if (stalled !== undefined) return reportStall(stalled, args.includes('--json'));
  const main = last.get(0) ?? '';
  if (/^\d+ done /.test(main)) return code ?? 128 + (constants.signals[signal] ?? 0);
  return reportNoVerdict({ code, signal, doing: runningWhat(last), machine }, args.includes('--json'));
}

const activityFolderPrefix = 'rtc-sim-activity-';

/**
 * A supervisor killed with SIGKILL cannot pass the signal on, and its child would run on, adopted by init. A
 * small shell process outside both watches the pair: when the supervisor is gone and the child is not, it
 * kills the child (with its pool threads). It is a process of its own because the child's threads may all be
 * blocked in user code, and a worker thread cannot kill its process while the main thread is blocked.
 */
function guardChild(childPid) {
  if (process.platform === 'win32' || childPid === undefined) return;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${childPid} 2>/dev/null; do sleep 0.3; done; kill -0 ${process.pid} 2>/dev/null || kill -KILL ${childPid} 2>/dev/null`;
  try {
    spawn('/bin/sh', ['-c', script], { stdio: 'ignore', detached: true }).unref();
  } catch {
    // Without the guard the verdict still arrives; only a supervisor killed outright would leave its child.
  }
}

/** Removes the activity folders of supervisors that are gone (killed before they could clean up). */
function removeStaleFolders() {
  let names;
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(activityFolderPrefix));
  } catch {
    return;
  }
  for (const name of names) {
    const folder = join(tmpdir(), name);
    let pid;
    try {
      pid = Number(readFileSync(join(folder, 'pid'), 'utf8'));
    } catch {
      continue;
    }
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(folder, { recursive: true, force: true });
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** What the child's threads were doing when it ended: the lowest seed being run, else a module being loaded. */
function runningWhat(slots) {
  const states = [...slots.values()].map((text) => /^\d+ (run|load|prepare) (.*)$/.exec(text)).filter((match) => match !== null);
  const seeds = states.filter((match) => match[1] !== 'load').map((match) => parseInt(match[2], 10));
  if (seeds.length > 0) return { what: 'run', seed: Math.min(...seeds) };
  const load = states.find((match) => match[1] === 'load');
  return load === undefined ? { what: 'idle' } : { what: 'load', path: modulePath(load[2]) };
}

/**
 * The child ended without its verdict: V8 gave up at its heap limit (it aborts: SIGABRT, or 134 through a
 * shell), a signal from outside, or an exit past rtc-sim. Said here, in text and with --json, naming what
 * was running; never a pass.
 */
function reportNoVerdict({ code, signal, doing, machine }, json) {
  const outOfMemory = signal === 'SIGABRT' || code === 134;
  const how = outOfMemory ? 'ran out of memory (V8 stopped at its heap limit)' : signal !== null ? `was ended by ${signal}` : `exited with code ${code}`;
  const named = outOfMemory && machine !== undefined && doing.what === 'run' ? machine : undefined;
  const on = named === undefined ? '' : ` on ${named}`;
  const where = doing.what === 'run' ? `while running seed ${doing.seed}${on}` : doing.what === 'load' ? `while evaluating ${doing.path}` : 'between runs';
  const replay = doing.what === 'run' ? ` A replay of seed ${doing.seed} (replay --seed ${doing.seed} …) should do the same; --max-old-space-size gives Node more memory.` : '';
  const message = `the check ${how} ${where}, before its verdict.${outOfMemory ? replay : ' rtc-sim did not end it: code under test, or something outside, did.'}`;
  const property = outOfMemory ? 'limit' : 'internal';
  process.stderr.write(`✗ ${property}: ${message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ verdict: 'fail', failure: { property, message, ...(doing.what === 'run' ? { seed: doing.seed } : {}), ...(outOfMemory ? { outOfMemory: true } : {}), ...(named === undefined ? {} : { machine: named }) } })}\n`);
  return outOfMemory ? exitLimit : exitInternal;
}

/**
 * The machine whose event was running when V8 gave up, from the fatal-error report the child writes once its
 * heap is half full (src/supervisor-signal.ts): `RTC_SIM_HOST_TURN` holds the event's actor — a connection's
 * direction (`c1→backend#2`: the receiver runs), a browser's key-store or IndexedDB operation (`store:c1`), a
 * statement's answer (`sql:…`: the database), or a host's own timer (its address).
 */
function machineAtFatalError(folder) {
  let actor;
  try {
    actor = JSON.parse(readFileSync(join(folder, 'fatal-report.json'), 'utf8'))?.environmentVariables?.RTC_SIM_HOST_TURN;
  } catch {
    return undefined;
  }
  if (typeof actor !== 'string' || actor === '') return undefined;
  const receiver = actor.includes('→') ? actor.slice(actor.lastIndexOf('→') + 1) : actor;
  if (receiver.startsWith('sql:')) return 'database';
  return receiver.replace(/^(store|idb):/, '');
}

/** The bytes of one thread's slot in the activity file (src/supervisor-signal.ts writes them). */
export const activitySlotBytes = 4096;

/** The non-empty slots of the activity file, by slot number. */
function readSlots(path) {
  const slots = new Map();
  let content;
  try {
    content = readFileSync(path);
  } catch {
    return slots;
  }
  for (let start = 0; start < content.length; start += activitySlotBytes) {
    const text = content.subarray(start, start + activitySlotBytes).toString('utf8').replace(/[\0 ]+$/, '');
    if (text !== '') slots.set(start / activitySlotBytes, text);
  }
  return slots;
}

function reportStall(doing, json) {
  const after = `${doing.seconds} s of real time`;
  if (doing.what === 'load') {
    const message = `evaluating ${modulePath(doing.detail)} did not return within ${after}: the module's body blocks synchronously (an endless loop at its top level?). rtc-sim stopped it.`;
    // As for every input error, nothing is written to stdout, even with --json.
    process.stderr.write(`input error: ${message}\n`);
    return exitInput;
  }
  const seed = parseInt(doing.detail, 10);
  const message = doing.what === 'prepare' ? preparationStalled(seed, after) : runStalled(seed, after, doing.detail.endsWith(' +backend'));
  process.stderr.write(`✗ limit: ${message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ verdict: 'fail', failure: { property: 'limit', message, seed, stalled: true } })}\n`);
  return exitLimit;
}

function runStalled(seed, after, withBackend) {
  // Which host's code was running cannot be read from outside a blocked thread: in a world with a backend, both are named.
  const who = withBackend ? 'code under test blocks synchronously (the provider, or the backend: its handler, its timers, its setup)' : 'provider code blocks synchronously';
  return `seed ${seed} ran for ${after} without finishing: ${who} (an endless loop, or work that never yields to the simulation), and no simulated bound can interrupt that. rtc-sim stopped it. A replay of seed ${seed} should block the same way; RTC_SIM_STALL_SECONDS (default ${stallSecondsDefault}) sets how long a run may take.`;
}

function preparationStalled(seed, after) {
  return `preparing the world of seed ${seed} (starting the database, restoring it, the backend's setup) did not finish within ${after}: the backend's setup blocks synchronously, or the database never came up. rtc-sim stopped it. Start-up may take RTC_SIM_PREPARE_SECONDS (default ${prepareSecondsDefault}) or RTC_SIM_STALL_SECONDS, whichever is longer.`;
}

// The path as the child wrote it (JSON, ASCII-escaped); a path too long for its slot arrives cut short.
function modulePath(detail) {
  try {
    return JSON.parse(detail);
  } catch {
    return `${detail}…`;
  }
}
