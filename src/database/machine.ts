import { createRequire } from 'node:module';
import type { RandomStream } from '../kernel/random.ts';

/**
 * The simulated machine a statement runs on: what the engine's clock and entropy answer while it executes.
 * SQL `now()`, `clock_timestamp()` and `current_timestamp` read `clockMs`; the engine's random device (the
 * bytes behind `gen_random_uuid()`) is refilled from `entropy`.
 */
export interface DatabaseMachine {
  /** The backend machine's wall clock, in ms since the Unix epoch. */
  readonly clockMs: () => number;
  /** The seeded stream that refills the engine's random device. */
  readonly entropy: RandomStream;
}

// PGlite is Emscripten-compiled: its wall clock is `Date.now()` (emscripten_date_now, read by
// clock_gettime(CLOCK_REALTIME)), and its /dev/urandom refills a 1,024-byte buffer through node:crypto's
// `randomFillSync`, looked up on the module object at each refill. Both are global, so they are swapped only
// for the length of one synchronous engine call: no other JavaScript can run in between and see them.
const nodeCrypto = createRequire(import.meta.url)('node:crypto') as { randomFillSync: (view: ArrayBufferView) => ArrayBufferView };

/** What the engine reads of a machine while a statement runs: its clock, and bytes for the random device. */
export interface EngineSources {
  readonly clockMs: () => number;
  readonly entropy: Pick<RandomStream, 'bytes'>;
}

let active: EngineSources | undefined;

/**
 * Runs `work` (synchronous engine work) with the host's clock and random device answered by `machine`.
 * Not reentrant: a nested call is a programmer error.
 */
export function onMachine<T>(machine: EngineSources, work: () => T): T {
  if (active !== undefined) throw new Error('onMachine(): the engine is already running a statement');
  const savedNow = Date.now;
  const savedFill = nodeCrypto.randomFillSync;
  active = machine;
  Date.now = () => machine.clockMs();
  nodeCrypto.randomFillSync = (view: ArrayBufferView) => fillFrom(machine.entropy, view);
  try {
    return work();
  } finally {
    Date.now = savedNow;
    nodeCrypto.randomFillSync = savedFill;
    active = undefined;
  }
}

function fillFrom(stream: EngineSources['entropy'], view: ArrayBufferView): ArrayBufferView {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  bytes.set(stream.bytes(bytes.length));
  return view;
}

// A dummy handle for the engine's alarms (see `withoutEngineAlarms`): clearTimeout ignores it.
const alarmHandle = Object.freeze({ ref: () => alarmHandle, unref: () => alarmHandle, hasRef: () => false, refresh: () => alarmHandle, [Symbol.toPrimitive]: () => 0 });

/**
 * Runs `work` (synchronous engine work) with the host's `setTimeout` answering the engine's `setitimer` with
 * an alarm that never fires. Postgres arms real-time alarms for its own timeouts (startup progress, lock and
 * statement timeouts); here they would fire on the host's clock — a source of nondeterminism, and a handle
 * that keeps Node alive. The simulated database keeps time itself (its idle-transaction timeout is an event).
 */
export function withoutEngineAlarms<T>(work: () => T): T {
  const savedSetTimeout = globalThis.setTimeout;
  const savedClearTimeout = globalThis.clearTimeout;
  globalThis.setTimeout = (() => alarmHandle) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((handle: unknown) => {
    if (handle !== alarmHandle) savedClearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  }) as typeof clearTimeout;
  try {
    return work();
  } finally {
    globalThis.setTimeout = savedSetTimeout;
    globalThis.clearTimeout = savedClearTimeout;
  }
}
