import type { SandboxHelpers } from './sandbox-helpers.ts';

/** What a simulated machine's `process` answers from. */
export interface ProcessParts {
  readonly helpers: SandboxHelpers;
  /** Runs `task` as a sandbox microtask (`nextTick`), settled between two events like any continuation. */
  readonly later: (task: () => void) => void;
  /** Virtual ms since the run started, for `hrtime` and `uptime`. */
  readonly elapsed: () => number;
  /** The machine's environment variables (machine-environment.ts), never the host's. */
  readonly env: () => Record<string, string>;
  /** The folder `cwd()` answers. */
  readonly directory: string;
  /** Where `process.stdout.write` and `process.stderr.write` go: the machine's console lines. */
  readonly log: (level: 'log' | 'error', text: string) => void;
  /** Reports `api` as a finding and throws, in the sandbox's realm, why it is refused. */
  readonly refuse: (api: string) => never;
}

/**
 * Members of the host's `process` that would end, signal or reach past the simulated machine: each is a
 * function that reports the call as a finding and throws. A process that ends itself mid-run would end the
 * whole check without a verdict (CI would read the exit code as the verdict).
 */
export const processControl: readonly string[] = [
  'exit', 'reallyExit', 'abort', 'kill', 'dlopen', 'chdir', 'umask', 'setuid', 'setgid', 'seteuid', 'setegid',
  'setgroups', 'initgroups', 'setSourceMapsEnabled', 'setUncaughtExceptionCaptureCallback', 'send', 'disconnect', '_kill', '_rawDebug',
  'resourceUsage', 'cpuUsage', 'memoryUsage', 'loadEnvFile', '_getActiveHandles', '_getActiveRequests', 'getActiveResourcesInfo', 'openStdin',
];

/**
 * A simulated machine's `process`: built from what it lists, not copied from the host's, so that nothing the
 * host's has (a new member in a newer Node included) is reachable unless it is named here. `binding` and
 * `_linkedBinding` (Node's internals) are absent, as in a browser bundle, rather than refused: lodash and
 * safer-buffer probe `process.binding` at load time and go on without it, which a finding would fail. Node APIs that npm
 * packages read while they load and serve answer without touching the host: `nextTick` is a sandbox
 * microtask, `hrtime` and `uptime` read virtual time, `env` is the machine's, `stdout`/`stderr` write console
 * lines. Event listeners are accepted and never fire.
 */
export function simulatedProcess(parts: ProcessParts): Record<string, unknown> {
  const elapsedNs = (): bigint => BigInt(Math.round(parts.elapsed() * 1e6));
  const hrtime = Object.assign(
    (previous?: readonly [number, number]): [number, number] => {
      let ns = elapsedNs();
      if (previous !== undefined) ns -= BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1]);
      return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
    },
    { bigint: elapsedNs },
  );
  const stream = (level: 'log' | 'error', fd: number) => ({
    fd,
    isTTY: false,
    writable: true,
    write: (chunk: unknown, ...rest: unknown[]): boolean => {
      parts.log(level, String(chunk).replace(/\n$/, ''));
      const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      if (callback !== undefined) parts.later(callback);
      return true;
    },
    on: () => undefined,
    once: () => undefined,
    end: () => undefined,
  });
  const simulated: Record<string, unknown> = {
    argv: [process.argv0],
    execArgv: [],
    argv0: process.argv0,
    platform: process.platform,
    arch: process.arch,
    version: process.version,
    versions: { ...process.versions },
    release: { ...process.release },
    features: { ...process.features },
    config: { variables: {} },
    pid: 1,
    ppid: 0,
    title: 'rtc-sim machine',
    exitCode: undefined,
    cwd: () => parts.directory,
    nextTick: (task: (...args: unknown[]) => void, ...args: unknown[]) => parts.later(() => task(...args)),
    hrtime,
    uptime: () => parts.elapsed() / 1000,
    emitWarning: () => undefined,
    emit: () => false,
    listenerCount: () => 0,
    listeners: () => [],
    stdout: stream('log', 1),
    stderr: stream('error', 2),
  };
  for (const name of ['on', 'once', 'off', 'addListener', 'removeListener', 'removeAllListeners', 'prependListener', 'prependOnceListener', 'setMaxListeners']) {
    simulated[name] = () => simulated;
  }
  Object.defineProperty(simulated, 'env', { get: parts.env, enumerable: true, configurable: true });
  for (const name of processControl) simulated[name] = { [name]: function (): never { return parts.refuse(`process.${name}()`); } }[name];
  return simulated;
}
