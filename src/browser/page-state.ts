import type { WorldContext } from '../model/world-context.ts';

/** What a timer is, as the trace names it: the API that set it. */
export type TimerSource = 'setTimeout' | 'setInterval' | 'AbortSignal.timeout';

/** The timer of one browser that is firing right now, and what its callback aborted meanwhile. */
interface Firing {
  readonly aborted: string[];
}

/**
 * What one browser keeps across its module instances (a crash or a reload makes a new instance, not a new
 * browser): the count its timers are numbered by, so that a timer's event key (`timer:c1#3`) names the same
 * timer in every interleaving, and the timer firing now, so that an abort it causes is told with it.
 */
export class PageState {
  timerCount = 0;
  firing: Firing | undefined;
}

// Keyed by world, then browser: the page state lives as long as its run, and nothing in World must change.
const pages = new WeakMap<WorldContext, Map<string, PageState>>();

/** The page state of `clientId` in `world`, made on first use. */
export function pageState(world: WorldContext, clientId: string): PageState {
  let byClient = pages.get(world);
  if (byClient === undefined) {
    byClient = new Map();
    pages.set(world, byClient);
  }
  let state = byClient.get(clientId);
  if (state === undefined) {
    state = new PageState();
    byClient.set(clientId, state);
  }
  return state;
}

/**
 * A page's fetch was aborted: told with the timer whose callback aborted it (`timeout 3000 ms fired → fetch
 * GET /keys aborted`), or on its own line when no timer of that browser is firing (user code aborted it).
 */
export function noteAbort(world: WorldContext, clientId: string, request: string, reason: string): void {
  const firing = pageState(world, clientId).firing;
  if (firing !== undefined) {
    firing.aborted.push(request);
    return;
  }
  if (world.wants('abort')) world.emit({ kind: 'abort', actor: clientId, request, reason });
}

/** Runs a firing timer's callback, collecting what it aborts, then records the firing. */
export function fireRecorded(world: WorldContext, clientId: string, timer: { readonly id: number; readonly source: TimerSource; readonly delayMs: number }, callback: () => void): void {
  const state = pageState(world, clientId);
  const firing: Firing = { aborted: [] };
  const outer = state.firing;
  state.firing = firing;
  try {
    callback();
  } finally {
    state.firing = outer;
  }
  // An AbortSignal.timeout whose request had already finished changes nothing: it goes untold.
  if (timer.source === 'AbortSignal.timeout' && firing.aborted.length === 0) return;
  if (world.wants('timer')) world.emit({ kind: 'timer', actor: clientId, timer: timer.id, source: timer.source, delayMs: timer.delayMs, aborted: firing.aborted });
}
