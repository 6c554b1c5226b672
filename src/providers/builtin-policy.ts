import { builtinModules } from 'node:module';

/**
 * What a module instance gets for each of Node's built-in modules. Every `require` and `import` of a built-in
 * in simulated code — `node:` or not, a default, a named or a namespace import, `require`, a `createRequire`
 * made one — reaches `instanceRequire`, which asks this table: the one gate between simulated code and the
 * host. A built-in the table does not name (one a newer Node adds) is `refused`, so containment holds by
 * construction rather than by a list of dangerous members.
 *
 * - `real`: pure computation (paths, streams, buffers, compression): the real module.
 * - `routed`: made per instance by instanceRequire — the clock, randomness, timers, the process, the console,
 *   node:module's `createRequire`, the file system, the machine's facts (node:os, simulated-os.ts).
 * - `network`: sockets, servers and name lookups: a stand-in for a browser; for a server, the simulated
 *   network's modules (simulated-network.ts), whose outgoing connections are routed or refused.
 * - `members`: the listed members are the real ones; every other function is refused when called.
 */
export type BuiltinTreatment =
  | { readonly kind: 'real' }
  | { readonly kind: 'routed' }
  | { readonly kind: 'network' }
  | { readonly kind: 'members'; readonly allowed: ReadonlySet<string> };

const real: BuiltinTreatment = { kind: 'real' };
const routed: BuiltinTreatment = { kind: 'routed' };
const network: BuiltinTreatment = { kind: 'network' };
const members = (...allowed: string[]): BuiltinTreatment => ({ kind: 'members', allowed: new Set(allowed) });

const pureModules = [
  'assert', 'assert/strict', 'async_hooks', 'buffer', 'constants', 'diagnostics_channel', 'domain', 'events', 'path', 'path/posix',
  'path/win32', 'punycode', 'querystring', 'readline', 'readline/promises', 'stream', 'stream/consumers', 'stream/promises', 'stream/web',
  'string_decoder', 'url', 'util', 'util/types', 'sys', 'zlib', '_stream_duplex', '_stream_passthrough', '_stream_readable',
  '_stream_transform', '_stream_writable',
];

const networkModules = [
  'http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'dns/promises', '_http_agent', '_http_client', '_http_common', '_http_incoming',
  '_http_outgoing', '_http_server', '_tls_common', '_tls_wrap', '_stream_wrap',
];

const routedModules = ['crypto', 'perf_hooks', 'timers', 'timers/promises', 'process', 'module', 'console', 'fs', 'fs/promises', 'tty', 'os'];

const table: ReadonlyMap<string, BuiltinTreatment> = new Map<string, BuiltinTreatment>([
  ...pureModules.map((name) => [name, real] as const),
  ...networkModules.map((name) => [name, network] as const),
  ...routedModules.map((name) => [name, routed] as const),
  // Serialisation and heap statistics are pure reads; flags, snapshots and coverage write to the host.
  ['v8', members('serialize', 'deserialize', 'Serializer', 'Deserializer', 'DefaultSerializer', 'DefaultDeserializer', 'cachedDataVersionTag', 'getHeapStatistics', 'getHeapSpaceStatistics', 'getHeapCodeStatistics')],
  ['worker_threads', members('isMainThread', 'threadId', 'parentPort', 'workerData', 'resourceLimits', 'markAsUntransferable', 'isMarkedAsUntransferable', 'SHARE_ENV')],
  // Processes, threads, debuggers and other realms: nothing of them can run inside a simulated machine.
  ...['child_process', 'cluster', 'inspector', 'inspector/promises', 'repl', 'trace_events', 'vm', 'wasi'].map((name) => [name, members()] as const),
]);

/** How simulated code gets built-in `name` (without `node:`); a built-in the table does not know is refused. */
export function builtinTreatment(name: string): BuiltinTreatment {
  return table.get(name) ?? members();
}

/** The built-ins of this Node that the table does not name (refused until classified; a test keeps it empty). */
export function unclassifiedBuiltins(): readonly string[] {
  return builtinModules.filter((name) => !table.has(name));
}

/** The call as a finding names it: `child_process.spawn()`, `new worker_threads.Worker()`, `process.exit()`. */
export function builtinCallName(moduleName: string, member: string): string {
  const owner = moduleName === 'fs/promises' ? 'fs.promises' : moduleName;
  return /^[A-Z]/.test(member) ? `new ${owner}.${member}()` : `${owner}.${member}()`;
}

/**
 * A copy of `real` (a built-in's exports, same prototype) in which every function not in `allowed` is replaced
 * by `refuse(api)` — a function, not an arrow, so that `new Worker()` reaches the refusal — and every other
 * object not in `allowed` is left out. Primitive values stay.
 */
export function withOnlyMembers(moduleName: string, realExports: object, allowed: ReadonlySet<string>, refuse: (api: string) => never): object {
  const copy = Object.create(Object.getPrototypeOf(realExports) as object | null) as Record<string, unknown>;
  for (const key of Object.keys(realExports)) {
    const value = (realExports as Record<string, unknown>)[key];
    if (allowed.has(key) || (typeof value !== 'function' && (typeof value !== 'object' || value === null))) copy[key] = value;
    else if (typeof value === 'function') {
      const api = builtinCallName(moduleName, key);
      copy[key] = { [key]: function (): never { return refuse(api); } }[key];
    }
  }
  return copy;
}
