import { openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';
import { activitySlotBytes } from '../bin/supervise.mjs';

/**
 * What this process tells its supervisor (bin/rtc-sim.js) about what each thread is doing, so that the
 * supervisor can stop it when provider code blocks synchronously — an endless loop no simulated bound can
 * interrupt, since nothing else runs on that thread.
 *
 * Each thread owns one slot of the file named in `RTC_SIM_ACTIVITY_FILE` (slot = thread id) and overwrites
 * it in place: `<count> run <seed>`, `<count> prepare <seed>`, `<count> load <path>`, `<count> idle`; the count grows with every write,
 * and a long run rewrites its slot every 256 events (a beat). The supervisor reads the file a few times a
 * second: a slot that says `run` or `load` and has not changed for the stall bound is a blocked thread. A
 * positioned write wakes nobody, so a run costs two system calls and no context switch. Without the
 * variable (tests, benchmarks, `npx tsx src/cli.ts`), every call is a no-op.
 *
 * Only the host's liveness is written here, never anything the model reads: runs stay deterministic.
 */

const activityFile = process.env['RTC_SIM_ACTIVITY_FILE'];
let slot: { readonly fd: number; readonly position: number; count: number; written: number } | undefined = openSlot(activityFile);

function openSlot(path: string | undefined): typeof slot {
  if (path === undefined || path === '') return undefined;
  try {
    return { fd: openSync(path, 'r+'), position: threadId * activitySlotBytes, count: 0, written: 0 };
  } catch {
    return undefined;
  }
}

let current = 'idle';

function write(state: string): void {
  if (slot === undefined) return;
  current = state;
  slot.count++;
  const text = `${slot.count} ${state}`.slice(0, activitySlotBytes - 1);
  try {
    // Padded over whatever the slot held before, so that a shorter state leaves nothing of a longer one behind.
    writeSync(slot.fd, text.padEnd(slot.written, ' '), slot.position);
    slot.written = Math.max(slot.written, text.length);
  } catch {
    slot = undefined;
  }
}

/** This thread starts a run of `seed` (in a world with a backend: its code may be what blocks, too). */
export function signalRun(seed: number, withBackend = false): void {
  write(withBackend ? `run ${seed} +backend` : `run ${seed}`);
  watchHeap();
}

/**
 * This thread prepares the world of `seed` with a backend: the database's cold start (seconds on a worker's
 * first run) and the backend's setup. Timed by the supervisor with a start-up allowance of its own, so that
 * a cold start is not charged to the stall bound of the seed that happened to run first.
 */
export function signalPrepare(seed: number): void {
  write(`prepare ${seed}`);
}

/** This thread evaluates the module at `path` (its body runs: a top-level loop would block here). */
export function signalLoad(path: string): void {
  // ASCII only (JSON escapes for the rest), so that a slot's characters are its bytes.
  write(`load ${JSON.stringify(path).replace(/[^\x20-\x7e]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
}

/** This thread's run is still making progress (long runs say so every 256 events). */
export function signalBeat(): void {
  write(current);
  watchHeap();
}

/**
 * Which machine is running when the heap runs out. V8 ends the process at its heap limit with no JavaScript
 * hook, so the only record that outlives it is Node's fatal-error report, which lists the environment: the
 * address of the host whose event runs is put in `RTC_SIM_HOST_TURN` each time it changes. Setting a variable
 * costs about a microsecond — too much for every event — so it is done only once the heap is half full
 * (checked as a run starts and every 256 events): a heap that fills over many events (a leak across requests
 * or runs) is then named by machine; one that fills within a single event from below half is named by its
 * seed only. Main thread only: a pool worker's heap limit ends the worker, not the process.
 */
let watchingHosts = false;
let hostTurn = '';

function watchHeap(): void {
  if (watchingHosts || slot === undefined || activityFile === undefined || !isMainThread) return;
  const heap = getHeapStatistics();
  if (heap.used_heap_size < heap.heap_size_limit / 2) return;
  watchingHosts = true;
  process.report.reportOnFatalError = true;
  process.report.directory = dirname(activityFile);
  process.report.filename = fatalReportName;
}

/** The file name of the fatal-error report in the activity folder (bin/supervise.mjs reads it). */
export const fatalReportName = 'fatal-report.json';

/** The event about to run belongs to `actor` (`c1→backend`, `store:c2`, `timer` owners): noted near the heap limit. */
export function signalHostTurn(actor: string): void {
  if (!watchingHosts || actor === hostTurn) return;
  hostTurn = actor;
  process.env['RTC_SIM_HOST_TURN'] = actor;
}

/** This thread waits for others, or has nothing to do: however long that lasts, it is not blocked. */
export function signalIdle(): void {
  write('idle');
}

/**
 * This process has printed its verdict and now ends with `code`. The supervisor takes a child that ends
 * without saying so — whatever its exit code: out of memory, a signal, or code under test that found a way to
 * end it — as ending without a verdict, and reports that itself, naming the seed that was running.
 */
export function signalVerdict(code: number): void {
  write(`done ${code}`);
}
