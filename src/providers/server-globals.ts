import type { SimulatedSources } from './instance-globals.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';
import { databaseEnvironment } from '../database/postgres/pg-module.ts';

/**
 * Which kind of simulated machine a sandbox stands for. A `browser` (a provider) has a page's globals and no
 * `process`; a `server` (the integrator's backend) has a `process` and the server modules Express and Hono
 * are built on (see `installServerGlobals` and `instanceRequire`).
 */
export type { SandboxMachine } from './sandbox-helpers.ts';

/**
 * Puts a `process` on a server sandbox's global object: the Node APIs a backend and its npm packages read
 * while they load and serve (`process.env`, `nextTick`, `hrtime`, `emitWarning`, `platform`), answered
 * without touching the host's event loop or clock: `nextTick` runs as a sandbox microtask (settled between
 * two events like any continuation), `hrtime` and `uptime` answer from the machine's virtual time. `env` is a
 * copy of the host's, taken when the module is compiled. Event listeners on it are accepted and never fire.
 * The Fetch-standard classes (`Request`, `Response`, `Headers`, streams, `AbortController`) are the host's.
 */
export function installServerGlobals(contextGlobal: object, parts: { readonly helpers: SandboxHelpers; readonly touch: () => void; readonly directory: string; readonly answerFrom: () => SimulatedSources }): void {
  const later = (task: () => void): void => {
    parts.helpers.later(task);
    parts.touch();
  };
  const elapsedNs = (): bigint => BigInt(Math.round(parts.answerFrom().elapsed() * 1e6));
  const hrtime = Object.assign(
    (previous?: readonly [number, number]): [number, number] => {
      let ns = elapsedNs();
      if (previous !== undefined) ns -= BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1]);
      return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
    },
    { bigint: elapsedNs },
  );
  const serverProcess: Record<string, unknown> = {
    env: { ...process.env, ...databaseEnvironment() },
    argv: [process.argv0],
    platform: process.platform,
    arch: process.arch,
    version: process.version,
    versions: { ...process.versions },
    release: { ...process.release },
    pid: 1,
    title: 'rtc-sim backend',
    cwd: () => parts.directory,
    nextTick: (task: (...args: unknown[]) => void, ...args: unknown[]) => later(() => task(...args)),
    hrtime,
    uptime: () => parts.answerFrom().elapsed() / 1000,
    emitWarning: () => undefined,
    on: () => serverProcess,
    once: () => serverProcess,
    off: () => serverProcess,
    addListener: () => serverProcess,
    removeListener: () => serverProcess,
    removeAllListeners: () => serverProcess,
    emit: () => false,
    listenerCount: () => 0,
    listeners: () => [],
    stdout: process.stdout,
    stderr: process.stderr,
  };
  const globals: Record<string, unknown> = { process: serverProcess, ...fetchStandardClasses() };
  for (const [name, value] of Object.entries(globals)) Object.defineProperty(contextGlobal, name, { value, writable: true, enumerable: false, configurable: true });
}

/**
 * The host's Fetch-standard classes, which a Fetch-standard handler and Hono build their answers with: a
 * Response made inside the backend is then a real Response to rtc-sim (the same class, not a copy).
 */
export function fetchStandardClasses(): Record<string, unknown> {
  const { Request, Response, Headers, FormData, Blob, File, ReadableStream, WritableStream, TransformStream, AbortController, AbortSignal, Event, EventTarget, DOMException } = globalThis;
  return { Request, Response, Headers, FormData, Blob, File, ReadableStream, WritableStream, TransformStream, AbortController, AbortSignal, Event, EventTarget, DOMException };
}
