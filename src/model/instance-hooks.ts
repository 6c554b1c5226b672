import type { RandomStream } from '../kernel/random.ts';
import type { NondeterminismFinding } from '../providers/nondeterminism.ts';
import type { Realm } from '../providers/realm.ts';
import type { NodeClock } from './clocks.ts';
import type { WorldContext } from './world-context.ts';
import { pageTimers } from './browser/page-timers.ts';
import { pageStorage } from './browser/page-storage.ts';

/** The virtual-time sleep of one client's env; a crashed instance's sleeps never wake (its page is gone). */
export function wakeAfter(world: WorldContext, clientId: string, alive: () => boolean = () => true): (ms: number, wake: () => void) => void {
  let count = 0;
  return (ms, wake) => {
    world.queue.timer({ key: `sleep:${clientId}#${++count}`, actor: clientId, resources: [clientId], delayMs: ms, action: () => alive() && wake() });
  };
}

/** A virtual-time timeout a caller can start and cancel: how provider and token calls are bounded. */
export function virtualTimeout(world: WorldContext, key: string, actor: string): (onTimeout: () => void) => () => void {
  return (onTimeout) => {
    const timer = world.queue.timer({ key, actor, resources: [actor], delayMs: world.config.providerTimeoutMs, action: onTimeout });
    return () => world.queue.cancel(timer);
  };
}

/** What a module instance's hooks hold: the world, the client, and its clock and `globals` stream. */
interface HookState {
  readonly world: WorldContext;
  readonly clientId: string;
  readonly nodeClock: NodeClock;
  /** Forked at the first `Math.random()`: most instances never call it, and the world keeps no stream for them. */
  globalsRandom: RandomStream | undefined;
}

// The hooks' functions are shared by every instance and read their state from `this`: a world of 10,000
// browsers holds 10,000 small objects, not 60,000 closures. They are own properties, so a copy made by
// spreading the hooks (a source that wraps `create`) still works; the sandbox calls them as methods. Only
// `hostWork` is handed on as a bare function (to WebCrypto), so it is the world's own bound `track`.
const sharedHooks = {
  clock(this: HookState): number {
    return this.nodeClock.read(this.world.queue.nowMs);
  },
  elapsed(this: HookState): number {
    return this.world.queue.nowMs;
  },
  random(this: HookState): number {
    return (this.globalsRandom ??= this.world.streams.get(`globals:${this.clientId}`)).next();
  },
  log(this: HookState, level: string, text: string): void {
    if (this.world.wants('console')) this.world.emit({ kind: 'console', actor: this.clientId, level, text });
  },
  report(this: HookState, finding: NondeterminismFinding): void {
    this.world.emit({ kind: 'nondeterminism', actor: finding.clientId ?? 'world', api: finding.api, detail: finding.detail });
  },
};

/**
 * The clock, randomness, console, findings and fetch of a module instance of one client, in place of the real
 * ones; `realm` is where the instance's code runs (its fetch answers there).
 */
export function instanceHooks(world: WorldContext, clientId: string, clock: NodeClock, realm: Realm, alive: () => boolean) {
  const { clock: read, elapsed, random, log, report } = sharedHooks;
  // One literal with every property: one shape for every instance's hooks.
  return {
    world,
    clientId,
    nodeClock: clock,
    globalsRandom: undefined as RandomStream | undefined,
    fetch: world.pageFetch(clientId, realm),
    // The page's setTimeout, setInterval and AbortSignal.timeout, on this browser's clock (src/model/browser/).
    timers: pageTimers({ world, clientId, clock, realm, alive }),
    storage: pageStorage(world, clientId, clock, realm, alive),
    timeAndRandom: world.config.timeAndRandom ?? 'report',
    origin: world.config.origin,
    hostWork: world.hostWork.track,
    clock: read,
    elapsed,
    random,
    log,
    report,
  };
}
