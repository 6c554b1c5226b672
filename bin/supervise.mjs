// Runs the CLI in a child process and stops it when provider code blocks synchronously. A simulated bound
// cannot interrupt `while (true) {}` in a provider: the thread running it runs nothing else. So the child
// tells this process what each of its threads is doing, one line per run on a pipe (see
// src/supervisor-signal.ts), and a thread that stays inside one run, or one module evaluation, for longer
// than the stall bound is taken as blocked: the child is killed and the seed that blocked is named.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';

/** Exit codes, as src/cli/exit-codes.ts defines them. */
const exitInput = 2;
const exitLimit = 3;

const stallSecondsDefault = 30;

/** The stall bound in seconds, from RTC_SIM_STALL_SECONDS; a message when the variable is not a number. */
export function stallSeconds(text) {
  if (text === undefined || text === '') return { seconds: stallSecondsDefault };
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    return { problem: `usage error: RTC_SIM_STALL_SECONDS must be a number of seconds in (0, 86400], got ${JSON.stringify(text)}` };
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
  const stallMs = bound.seconds * 1000;
  const child = spawn(process.execPath, [...process.execArgv, entry, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, RTC_SIM_ACTIVITY_FD: '3', ...options.env },
  });
  /** What each thread of the child is doing: `run`/`load` with what, and since when; idle threads are absent. */
  const threads = new Map();
  createInterface({ input: child.stdio[3] }).on('line', (line) => {
    const match = /^(\d+) (run|load|beat|idle)(?: (.*))?$/.exec(line);
    if (match === null) return;
    const [, thread, what, detail] = match;
    if (what === 'idle') threads.delete(thread);
    else if (what === 'beat') {
      const doing = threads.get(thread);
      if (doing !== undefined) doing.sinceMs = Date.now();
    } else threads.set(thread, { what, detail, sinceMs: Date.now() });
  });
  // Signals are passed on, and the child's exit decides this one's (a terminal's Ctrl-C reaches both).
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  let stalled;
  const watch = setInterval(() => {
    for (const doing of threads.values()) {
      if (Date.now() - doing.sinceMs < stallMs) continue;
      stalled = doing;
      child.kill('SIGKILL');
      clearInterval(watch);
      return;
    }
  }, Math.min(1000, stallMs / 4));
  const { code, signal } = await new Promise((resolve) => child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })));
  clearInterval(watch);
  if (stalled !== undefined) return reportStall(stalled, bound.seconds, args.includes('--json'));
  if (code !== null) return code;
  return 128 + (constants.signals[signal] ?? 0);
}

function reportStall(doing, seconds, json) {
  const after = `${seconds} s of real time`;
  if (doing.what === 'load') {
    const message = `evaluating ${JSON.parse(doing.detail)} did not return within ${after}: the module's body blocks synchronously (an endless loop at its top level?). rtc-sim stopped it.`;
    // As for every input error, nothing is written to stdout, even with --json.
    process.stderr.write(`input error: ${message}\n`);
    return exitInput;
  }
  const seed = Number(doing.detail);
  const message = `seed ${seed} ran for ${after} without finishing: provider code blocks synchronously (an endless loop, or work that never yields to the simulation), and no simulated bound can interrupt that. rtc-sim stopped it. A replay of seed ${seed} should block the same way; RTC_SIM_STALL_SECONDS (default ${stallSecondsDefault}) sets how long a run may take.`;
  process.stderr.write(`✗ limit: ${message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ verdict: 'fail', failure: { property: 'limit', message, seed, stalled: true } })}\n`);
  return exitLimit;
}
