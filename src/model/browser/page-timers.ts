import { describeThrown } from '../../errors.ts';
import type { NodeClock } from '../clocks.ts';
import type { WorldContext } from '../world-context.ts';
import type { SimEvent } from '../../kernel/event.ts';
import type { VirtualTimers } from '../../providers/machine-services.ts';
import type { Realm } from '../../providers/realm.ts';
import { fireRecorded, pageState } from './page-state.ts';
import type { PageTimers, TimerSource } from './page-services.ts';

export type { PageTimers } from './page-services.ts';

/** Who the timers belong to: one module instance of a browser (or of a retention probe). */
export interface PageTimerOwner {
  readonly world: WorldContext;
  readonly clientId: string;
  readonly clock: NodeClock;
  /** Where the instance's code runs: its reactions are drained after each callback. */
  readonly realm: Realm;
  /** Whether the instance still runs: a crashed page's timers never fire. */
  readonly alive: () => boolean;
}

/**
 * A browser page's timers: each firing is a kernel timer event keyed `timer:c1#3` (the browser's third timer,
 * counted across its module instances), so that strategies, shrinking, replay and exhaustive search see it.
 *
 * The delay runs on the browser's own clock: a clock that drifts fast reaches a timer's end sooner in true time
 * (skew shifts readings, not durations). A callback that throws is logged as the page's uncaught error, as a
 * browser does, and the page goes on. A repeating timer does not tick through a quiet period (the months
 * between the race and a retention probe): its next firing moves to its first tick after the period ends, once,
 * then it keeps its period — as a background tab's timers are throttled — so a quiet decade costs one event,
 * not one per tick; code that counts time reads the clock, which has jumped.
 */
export function pageTimers(owner: PageTimerOwner): PageTimers {
  const { world, clientId, clock, realm, alive } = owner;
  // A page that sets no timer needs no page state for them. Made at once only where a tab shares its profile
  // (config.tabs), since the order tabs join a profile is the order storage events reach them.
  let state = world.config.tabs === undefined ? undefined : pageState(world, clientId);
  const events = new Map<number, SimEvent>();
  // A browser runs a zero-delay timeout as the next task, and clamps a repeating timer to 4 ms (HTML's nesting
  // clamp): an interval of 0 would otherwise spend the run's event budget within one virtual millisecond.
  const onClock = (delayMs: number, repeat: boolean): number => Math.max(repeat ? 4 : 0, Math.round((delayMs * 1_000_000) / (1_000_000 + clock.driftPpm)));
  const schedule = (timer: { id: number; source: TimerSource; delayMs: number }, callback: () => void, repeat: boolean): void => {
    const periodMs = onClock(timer.delayMs, repeat);
    // Across a quiet period: the first firing of its own rhythm after the period ends (not the period's end
    // itself, where it would tie with the probe and every other page's interval for the schedulers to order).
    // Outside one, and for a timeout, that count is at most 1: the timer is due one period from now.
    const periods = repeat ? Math.ceil((world.quietUntilMs - world.queue.nowMsUnobserved) / periodMs) : 0;
    const event = world.queue.timer({
      key: `timer:${clientId}#${timer.id}`,
      actor: clientId,
      resources: [clientId],
      delayMs: Math.max(1, periods) * periodMs,
      action: () => {
        if (!alive() || world.closed) return;
        if (repeat) schedule(timer, callback, repeat);
        else events.delete(timer.id);
        fireRecorded(world, clientId, timer, () => runCallback(world, clientId, callback));
        realm.touch();
      },
    });
    events.set(timer.id, event);
  };
  const setFrom = (source: TimerSource, callback: () => void, delayMs: number, repeat: boolean): number => {
    state ??= pageState(world, clientId);
    const id = ++state.timerCount;
    schedule({ id, source, delayMs }, callback, repeat);
    return id;
  };
  return {
    setFrom,
    set: (callback, delayMs, repeat) => setFrom(repeat ? 'setInterval' : 'setTimeout', callback, delayMs, repeat),
    clear: (id) => {
      const event = events.get(id);
      if (event === undefined) return;
      world.queue.cancel(event);
      events.delete(id);
    },
  };
}

// An exception in a timer callback does not stop the page: the browser reports it on the console.
function runCallback(world: WorldContext, clientId: string, callback: () => void): void {
  try {
    callback();
  } catch (error) {
    if (world.wants('console')) world.emit({ kind: 'console', actor: clientId, level: 'error', text: `Uncaught ${describeThrown(error)}` });
  }
}
