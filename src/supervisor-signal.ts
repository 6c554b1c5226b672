import { writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/**
 * What this process tells its supervisor (bin/rtc-sim.js) about what each thread is doing, so that the
 * supervisor can stop it when provider code blocks synchronously — an endless loop no simulated bound can
 * interrupt, since nothing else runs on that thread. One short line per run on the pipe the supervisor
 * named in `RTC_SIM_ACTIVITY_FD`: `<thread> run <seed>`, `<thread> load <path>`, `<thread> beat` (every 256 events of a long run),
 * `<thread> idle`. Without that variable (tests, benchmarks, `npx tsx src/cli.ts`), every call is a no-op.
 *
 * Only the host's liveness is written here, never anything the model reads: runs stay deterministic.
 */
let activityFd = parseFd(process.env['RTC_SIM_ACTIVITY_FD']);

function parseFd(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const fd = Number(text);
  return fd >= 3 ? fd : undefined;
}

function send(line: string): void {
  if (activityFd === undefined) return;
  try {
    // Lines are far shorter than PIPE_BUF, so the lines of different threads never interleave.
    writeSync(activityFd, `${threadId} ${line}\n`);
  } catch {
    // The supervisor is gone (or never read): stop telling it.
    activityFd = undefined;
  }
}

/** This thread starts a run of `seed`. */
export function signalRun(seed: number): void {
  send(`run ${seed}`);
}

/** This thread evaluates the module at `path` (its body runs: a top-level loop would block here). */
export function signalLoad(path: string): void {
  send(`load ${JSON.stringify(path)}`);
}

/** This thread's run is still making progress (long runs say so every few thousand events). */
export function signalBeat(): void {
  send('beat');
}

/** This thread waits for others, or has nothing to do: however long that lasts, it is not blocked. */
export function signalIdle(): void {
  send('idle');
}
