import { advice } from './nondeterminism.ts';

/**
 * The calls of built-in modules the sandbox otherwise leaves real that would open a real handle: a file
 * watcher, a child process, a worker thread or a message port. Each one runs outside the simulated schedule,
 * and a provider makes it once per simulated browser per run, so in-process (`sweep()`, the vitest helper),
 * where no process exit follows the verdict, they would pile up. They are refused like node:net — the call
 * throws and is reported as a finding naming it — so that nothing is opened and no run leaves a handle
 * behind. The rest of each module (`fs.readFileSync`, `worker_threads.isMainThread` …) stays real.
 */
export const refusedCalls: ReadonlyMap<string, readonly string[]> = new Map([
  ['fs', ['watch', 'watchFile']],
  ['fs/promises', ['watch']],
  ['child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']],
  ['cluster', ['fork', 'setupPrimary', 'setupMaster']],
  ['worker_threads', ['Worker', 'MessageChannel', 'BroadcastChannel']],
  // Only for providers passed in as functions (host-routing.ts): a module's `process` is a simulated one.
  ['process', ['exit', 'reallyExit', 'abort', 'kill', 'dlopen']],
]);

/** The call as a finding names it: `fs.watch()`, `fs.promises.watch()`, `new worker_threads.Worker()`. */
export function refusedCallName(moduleName: string, exportName: string): string {
  const owner = moduleName === 'fs/promises' ? 'fs.promises' : moduleName;
  return /^[A-Z]/.test(exportName) ? `new ${owner}.${exportName}()` : `${owner}.${exportName}()`;
}

/** The refusal's message, thrown in the realm of the code that called. */
export function refusedCallMessage(api: string): string {
  return `rtc-sim: ${api} is not available inside the simulation: ${advice.localResource}`;
}

/**
 * A copy of `real` (a built-in module's exports) whose refused calls report and throw through `refuse`; for
 * node:fs, its `promises` is the refused copy of node:fs/promises. Values and every other function are the
 * real ones.
 */
export function withRefusedCalls(moduleName: string, real: object, refuse: (api: string) => never): object {
  // The same prototype: node:cluster is an EventEmitter.
  const copy = Object.assign(Object.create(Object.getPrototypeOf(real) as object | null) as Record<string, unknown>, real);
  for (const exportName of refusedCalls.get(moduleName) ?? []) {
    if (typeof copy[exportName] !== 'function') continue;
    const api = refusedCallName(moduleName, exportName);
    // A function, not an arrow: `new Worker()` must reach the refusal, not fail as "not a constructor".
    copy[exportName] = {
      [exportName]: function (): never {
        return refuse(api);
      },
    }[exportName];
  }
  if (moduleName === 'fs' && typeof copy['promises'] === 'object' && copy['promises'] !== null) {
    copy['promises'] = withRefusedCalls('fs/promises', copy['promises'], refuse);
  }
  return copy;
}
