import type { SimulatedSources } from './instance-globals.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';
import { PerInstance, refuseProcessCall } from './process-of-instance.ts';
import { simulatedProcess } from './simulated-process.ts';

/**
 * Which kind of simulated machine a sandbox stands for. A `browser` (a provider) has a page's globals and no
 * `process`; a `server` (the integrator's backend) has a `process` and the server modules Express and Hono
 * are built on (see `installServerGlobals` and `instanceRequire`).
 */
export type { SandboxMachine } from './sandbox-helpers.ts';

/**
 * Puts a `process` on a server sandbox's global object: the machine's simulated process (simulated-process.ts)
 * — `env` the running instance's machine environment, never the host's; `exit`, `kill` and the other process
 * controls refused and reported; `stdout`/`stderr` writing the machine's console lines — and `global`, which
 * Node code (the `pg` package) expects beside `globalThis`. The Fetch-standard classes (`Request`, `Response`,
 * `Headers`, streams, `AbortController`) are the host's.
 */
export function installServerGlobals(contextGlobal: object, parts: { readonly helpers: SandboxHelpers; readonly touch: () => void; readonly directory: string; readonly answerFrom: () => SimulatedSources }): void {
  const perInstance = new PerInstance();
  const serverProcess = simulatedProcess({
    helpers: parts.helpers,
    later: (task) => (parts.helpers.later(task), parts.touch()),
    elapsed: () => parts.answerFrom().elapsed(),
    env: () => perInstance.environment(parts.answerFrom()),
    directory: parts.directory,
    log: (level, text) => (parts.answerFrom() as { log?: (level: string, text: string) => void }).log?.(level, text),
    refuse: (api) => refuseProcessCall(api, perInstance.sink(parts.answerFrom()), parts.helpers),
  });
  const globals: Record<string, unknown> = { process: serverProcess, global: contextGlobal, ...fetchStandardClasses() };
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
