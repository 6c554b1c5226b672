import type { WorldContext } from '../world-context.ts';
import type { ProfileIndexedDb } from './page-services.ts';
import { StorageArea } from './web-storage.ts';

import type { TimerSource } from './page-services.ts';

export type { TimerSource } from './page-services.ts';

/** The timer of one browser that is firing right now, and what its callback aborted meanwhile. */
interface Firing {
  readonly aborted: string[];
}

/** One module instance of a tab, as the messages between tabs reach it: its window's listeners, while it runs. */
export interface PageInstance {
  readonly window: EventTarget;
  readonly alive: () => boolean;
}

/** One open BroadcastChannel of a profile, as senders find it. */
export interface BroadcastEndpoint {
  readonly name: string;
  readonly tab: string;
  readonly channel: EventTarget & { onmessage: ((event: MessageEvent) => unknown) | null };
  readonly alive: () => boolean;
  closed: boolean;
}

/** A browser profile: what its tabs share and keep across reloads (`localStorage`). */
export class ProfileState {
  readonly local = new StorageArea();
  /** The profile's IndexedDB, made when a page first names `indexedDB`. */
  indexedDb: ProfileIndexedDb | undefined;
  /** The BroadcastChannels open in the profile's tabs, in the order they opened. */
  readonly channels: BroadcastEndpoint[] = [];
  /** The tabs open on the profile, in the order they opened. */
  readonly tabs: string[] = [];
  constructor(readonly id: string) {}
}

/**
 * What one tab keeps across its module instances (a crash or a reload makes a new instance, not a new tab):
 * the count its timers are numbered by, so that a timer's event key (`timer:c1#3`) names the same timer in
 * every interleaving; the timer firing now, so that an abort it causes is told with it; its `sessionStorage`;
 * and its profile.
 */
export class PageState {
  timerCount = 0;
  firing: Firing | undefined;
  readonly session = new StorageArea();
  /** The tab's module instances that made a window, for its `storage` events. */
  readonly instances: PageInstance[] = [];
  constructor(
    readonly id: string,
    readonly profile: ProfileState,
  ) {}
}

interface WorldPages {
  readonly tabs: Map<string, PageState>;
  readonly profiles: Map<string, ProfileState>;
}

// Held by the world itself, under a key of this module's own: the page state lives as long as its run, and
// nothing in World must change. Not a WeakMap keyed by world: a young collection keeps every value of a WeakMap
// whose key it has not yet found dead, so each run's page state (and what it reaches) was promoted with it.
const pagesOfWorld = Symbol('pages');

function worldPages(world: WorldContext): WorldPages {
  const holder = world as WorldContext & { [pagesOfWorld]?: WorldPages };
  return (holder[pagesOfWorld] ??= { tabs: new Map(), profiles: new Map() });
}

/**
 * The page state of tab `clientId` in `world`, made on first use: in the profile of the browser the config's
 * `tabs` opens it in, else in a profile of its own (a fresh probe gets a fresh one).
 */
export function pageState(world: WorldContext, clientId: string): PageState {
  const all = worldPages(world);
  let state = all.tabs.get(clientId);
  if (state === undefined) {
    const profileId = world.config.tabs?.[clientId] ?? clientId;
    let profile = all.profiles.get(profileId);
    if (profile === undefined) {
      profile = new ProfileState(profileId);
      all.profiles.set(profileId, profile);
    }
    profile.tabs.push(clientId);
    state = new PageState(clientId, profile);
    all.tabs.set(clientId, state);
  }
  return state;
}

/** The page state of every tab of `profile` other than `clientId`, in the order they opened. */
export function otherTabs(world: WorldContext, profile: ProfileState, clientId: string): PageState[] {
  return profile.tabs.filter((tab) => tab !== clientId).map((tab) => pageState(world, tab));
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
