import type { HostOutcome } from '../kernel/host-work.ts';
import type { NondeterminismFinding } from '../providers/nondeterminism.ts';
import type { Realm } from '../providers/realm.ts';
import type { NodeClock } from './clocks.ts';
import type { WorldContext } from './world-context.ts';

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

/**
 * The clock, randomness, console, findings and fetch of a module instance of one client, in place of the real
 * ones; `realm` is where the instance's code runs (its fetch answers there).
 */
export function instanceHooks(world: WorldContext, clientId: string, clock: NodeClock, realm: Realm = world.source.realm) {
  const globalsRandom = world.streams.get(`globals:${clientId}`);
  return {
    fetch: world.pageFetch(clientId, realm),
    clientId,
    timeAndRandom: world.config.timeAndRandom ?? 'report',
    origin: world.config.origin,
    hostWork: (work: PromiseLike<unknown>, continuation: (outcome: HostOutcome<unknown>) => void) => world.hostWork.track(work, continuation),
    report: (finding: NondeterminismFinding) => world.emit({ kind: 'nondeterminism', actor: finding.clientId ?? 'world', api: finding.api, detail: finding.detail }),
    clock: () => clock.read(world.queue.nowMs),
    elapsed: () => world.queue.nowMs,
    random: () => globalsRandom.next(),
    log: (level: string, text: string) => {
      if (world.wants('console')) world.emit({ kind: 'console', actor: clientId, level, text });
    },
  };
}
