/**
 * What a provider module may not do without breaking replay, and what the sandbox does about it.
 *
 * Every API through which a module could read real time, real randomness, real timers or the network is
 * either ROUTED to the simulated one (ordinary code keeps working and stays deterministic) or REPORTED as a
 * finding. A reported call never reads the real clock or the real random source either: it answers from the
 * simulation or is refused, so that a run with a finding still replays byte for byte and can be shrunk.
 * "routed*" rows are also reported unless the run sets `timeAndRandom: 'route'` (`--time-and-random route`):
 * in production they read the real clock and an unseeded generator.
 *
 * | API                                                          | decision | what the module gets                          |
 * | ------------------------------------------------------------ | -------- | --------------------------------------------- |
 * | `Date.now()`, `new Date()`, `Date()`                         | routed*  | the client's simulated clock                  |
 * | `Date.parse`, `Date.UTC`, `new Date(x)`                      | pure     | the real functions                            |
 * | `Math.random()`                                              | routed*  | the client's seeded `globals` stream          |
 * | `performance.now()`, node:perf_hooks `performance`           | routed*  | virtual ms since the run started              |
 * | `crypto.getRandomValues()`, `crypto.randomUUID()`            | routed   | the seeded stream                             |
 * | `crypto.subtle` (absent outside a secure context)            | routed   | the host's, answered before the next event,   |
 * |                                                              |          |   in call order (simulated-subtle.ts)         |
 * | `globalThis.` any name above                                 | as above | `globalThis` is the instance's own view       |
 * | node:crypto `randomBytes`, `randomFill(Sync)`, `randomInt`,  | routed   | the seeded stream; callbacks run as sandbox   |
 * |   `randomUUID`, `getRandomValues`, `webcrypto`, deprecated   |          |   microtasks; at most 1 MiB per call          |
 * |   `pseudoRandomBytes`, `prng`, `rng`                         |          |                                               |
 * | node:crypto hashing, HMAC, `pbkdf2`, `scrypt`, `hkdf`,       | pure     | the real functions, never reported            |
 * |   ciphers with a given IV, `timingSafeEqual`, `KeyObject`    |          |                                               |
 * | node:crypto `generateKey(Pair)(Sync)`, `generatePrime(Sync)` | reported | the real result: no seed can stand in for it  |
 * | `setTimeout`, `setInterval`, `clearTimeout`, `clearInterval` | routed   | timers on the browser's simulated clock, each |
 * |                                                              |          |    firing a scheduled event (model/browser/)   |
 * | `AbortSignal.timeout`, `AbortSignal.any`                     | routed   | a page timer; a composite held strongly       |
 * | `setImmediate` (a browser's page has none)                   | reported | a thrown Error: it would run on the host loop |
 * | `clearImmediate`                                             | harmless | a no-op: nothing real was scheduled           |
 * | `queueMicrotask`                                             | allowed  | the sandbox's queue, drained between events   |
 * | `fetch`                                                      | reported | a rejected promise naming env.keyStore        |
 * | `new WebSocket()`, `new XMLHttpRequest()`                    | reported | a thrown Error                                |
 * | require or import node:`http`, `https`, `http2`, `net`,      | reported | when required (using it is the only reason to |
 * |   `tls`, `dgram`, `dns`, `dns/promises`; `undici`            |          |   require it); a stand-in whose functions throw|
 * | require or import node:`timers`                              | routed   | the page's (or backend's) simulated timers    |
 * | require or import node:`timers/promises`                     | reported | a stand-in whose functions throw              |
 * | node:fs `watch`, `watchFile`, `promises.watch`; the calls    | reported | a thrown Error when called: nothing is opened,|
 * |   of node:`child_process` and `cluster` that start a process;|          |   so no handle outlives a run, in-process too |
 * |   node:worker_threads `Worker`, `MessageChannel`,            |          |   (refused-calls.ts; for a provider passed in |
 * |   `BroadcastChannel`                                         |          |   as a function, host-routing.ts)             |
 * | node:module `createRequire(from)`                            | routed   | built-ins as the instance's `require` gives   |
 * |                                                              |          |   them; other files from the host (a limit)   |
 * | the sandbox's real global object, reached past the view      | reported | the simulated value, or the refusal above;    |
 * |   (`Function('return this')()`, indirect eval, prototype     |          |   the client is named while its code runs     |
 * |   chains): `Date`, `Math.random`, `performance`, `crypto`,   |          |   synchronously, not in a later continuation  |
 * |   `setTimeout`, `setInterval`, `setImmediate`, `fetch`       |          |   (timers there: refused, no client to own)   |
 *
 * npm packages are bundled into the module (loader.ts), so every row applies to their code as to the
 * provider's own; a module left out of the bundle (a `require` whose name is computed at run time) is refused
 * as missing rather than loaded into the host, and a native addon is an input error naming its package.
 *
 * Not covered (documented limits): state a module keeps on the shared global object between runs;
 * `crypto.subtle`'s `generateKey` of a key pair (a secret key, AES or HMAC, is made from the seeded stream), RSA-OAEP and ECDSA draw real randomness; Diffie-Hellman
 * and ECDH `generateKeys()`; `Intl.DateTimeFormat().format()` without a date; the local-time-zone methods of
 * `Date`, which depend on the machine rather than the run.
 */

import { timeAndRandomModes } from '../config/schema-parts.ts';

/** What clock reads and `Math.random()` do (the routed* rows): `report` (the default) or `route`; the list is the config's. */
export { timeAndRandomModes };

/** Whether reads of the clock and of `Math.random()` are reported as findings or silently routed. */
export type TimeAndRandom = (typeof timeAndRandomModes)[number];

/** A call that would read real time, real randomness, real timers or the network from a provider module. */
export interface NondeterminismFinding {
  /** The call as the module wrote it, e.g. `Date.now()`, `setTimeout()`, `require("node:http")`. */
  readonly api: string;
  /** The simulated client whose module instance made the call; absent when no client can be named. */
  readonly clientId?: string;
  /** What the sandbox did instead, and what to use. */
  readonly detail: string;
}

/** Where one module instance reports its findings: the first finding per API only, to keep traces bounded. */
export type ReportFinding = (api: string, detail: string) => void;

/** What a finding sink needs from the instance's hooks. */
export interface FindingTarget {
  readonly clientId?: string;
  report?(finding: NondeterminismFinding): void;
  log(level: string, text: string): void;
}

/**
 * A sink that reports each API once. Findings go to `report` when the model provides it; otherwise they are
 * written to the client's console trace as warnings, so that they are never lost silently.
 */
export function findingSink(target: FindingTarget, attribute: boolean): ReportFinding {
  const seen = new Set<string>();
  return (api, detail) => {
    if (seen.has(api)) return;
    seen.add(api);
    const clientId = attribute ? target.clientId : undefined;
    const finding: NondeterminismFinding = clientId === undefined ? { api, detail } : { api, clientId, detail };
    if (target.report !== undefined) target.report(finding);
    else target.log('warn', `rtc-sim nondeterminism: ${api}: ${detail}`);
  };
}

/** Advice attached to findings, one per family of API. */
export const advice = {
  timer:
    'this timer is not simulated (setTimeout and setInterval by their plain names are, on the browser\'s clock); the call threw — use setTimeout, or `await env.sleep(ms)`',
  network:
    'the network is not simulated without a backend: pass yours with --backend <module> and fetch reaches it inside the simulation; without one, a provider reaches its backend through env.keyStore, whose operations are scheduled events',
  networkModule:
    'network modules are not simulated; rtc-sim returned a stand-in whose functions throw — reach the backend through env.keyStore',
  timerModule: 'real timers fire in real time, outside the simulated schedule; rtc-sim returned a stand-in whose functions throw — use `await env.sleep(ms)`',
  keyGeneration:
    'key generation draws real randomness no seed controls; the real result was returned — derive keys from env.randomBytes (e.g. createSecretKey(Buffer.from(env.randomBytes(32))))',
  clockRead:
    "in production this reads the browser's real clock; rtc-sim answered from the client's simulated clock — use env.now(), or run with --time-and-random route to accept clock reads",
  unseededRandom:
    'in production this is an unseeded, non-cryptographic generator; rtc-sim answered from the seeded stream — use env.random() or env.randomBytes(n) (crypto.getRandomValues for keys), or run with --time-and-random route to accept it',
  localResource:
    'file watchers, child processes and worker threads run outside the simulated schedule and would stay open after the run, one per simulated machine; rtc-sim refused the call (it threw) — keep real I/O out of simulated code (a provider reaches its backend through fetch with --backend, or env.keyStore)',
  escapedGlobal:
    "reached the sandbox's real global object past the instance's routed view; rtc-sim answered from the simulation — call it by its plain name",
} as const;
