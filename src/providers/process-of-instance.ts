import { findingSink, type FindingTarget, type ReportFinding } from './nondeterminism.ts';
import { processControlAdvice } from './instance-require.ts';
import { simulatedProcess } from './simulated-process.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';

/** What a process needs of an instance's sources (instance-globals.ts's SimulatedSources, structurally: no import back). */
interface SimulatedSources {
  readonly environment?: Readonly<Record<string, string>> | undefined;
  elapsed(): number;
}

/** What a process needs of an instance's parts (instance-globals.ts's InstanceGlobalsParts, structurally). */
interface InstanceGlobalsParts {
  readonly machine?: string | undefined;
  readonly contextGlobal: object;
  readonly sources: SimulatedSources;
  readonly helpers: SandboxHelpers;
  readonly report: ReportFinding;
  console(): unknown;
  touch(): void;
}

/**
 * What `require('node:process')` gives one instance: on a server, the machine's global `process` (one
 * object, as in Node); in a browser, which has no global `process`, a simulated one made for the instance.
 */
export function instanceProcess(parts: InstanceGlobalsParts): object {
  if (parts.machine === 'server') {
    const global = Reflect.get(parts.contextGlobal, 'process') as unknown;
    if (typeof global === 'object' && global !== null) return global;
  }
  const console = parts.console() as { log: (...parts: unknown[]) => void; error: (...parts: unknown[]) => void };
  const environment = { ...parts.sources.environment };
  return simulatedProcess({
    helpers: parts.helpers,
    later: (task) => (parts.helpers.later(task), parts.touch()),
    elapsed: () => parts.sources.elapsed(),
    env: () => environment,
    directory: '/',
    log: (level, text) => console[level](text),
    refuse: (api) => refuseProcessCall(api, parts.report, parts.helpers),
  });
}

/** Reports a refused process call as a finding and throws, in the sandbox's realm, why. */
export function refuseProcessCall(api: string, report: ReportFinding, helpers: SandboxHelpers): never {
  report(api, processControlAdvice);
  throw helpers.error(`rtc-sim: ${api} is not available inside the simulation: ${processControlAdvice}`);
}

/**
 * Per instance that runs on a compiled server sandbox: its `process.env` (one object per instance, so that a
 * write stays in that start of the process) and where its findings go (once per API, as everywhere).
 */
export class PerInstance {
  private readonly environments = new WeakMap<object, Record<string, string>>();
  private readonly sinks = new WeakMap<object, ReportFinding>();

  /** The running instance's environment. */
  environment(sources: SimulatedSources): Record<string, string> {
    let environment = this.environments.get(sources);
    if (environment === undefined) {
      environment = { ...sources.environment };
      this.environments.set(sources, environment);
    }
    return environment;
  }

  /** The running instance's finding sink. */
  sink(sources: SimulatedSources): ReportFinding {
    let sink = this.sinks.get(sources);
    if (sink === undefined) {
      // The sources are the instance's hooks (sandbox.ts's InstanceHooks): they have `log`, `clientId`, `report`.
      sink = findingSink(sources as unknown as FindingTarget, true);
      this.sinks.set(sources, sink);
    }
    return sink;
  }
}

/** The folder a machine's relative paths resolve against: a server's `process.cwd()`, else the host's working folder. */
export function machineDirectory(contextGlobal: object): string {
  const simulated = Reflect.get(contextGlobal, 'process') as { cwd?: () => string } | undefined;
  return typeof simulated?.cwd === 'function' ? simulated.cwd() : process.cwd();
}
