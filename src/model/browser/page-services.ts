// What the sandbox (src/providers/) is handed of the page, as interfaces only: so that the sandbox depends on
// no part of the model, and the model's page (this folder) on the sandbox only through them.
import type { VirtualTimers } from '../../providers/machine-services.ts';

/** What a timer is, as the trace names it: the API that set it. */
export type TimerSource = 'setTimeout' | 'setInterval' | 'AbortSignal.timeout';

/** The page's timers, with the API that set each one (the trace names it). */
export interface PageTimers extends VirtualTimers {
  /** Like `set`, naming the API: `AbortSignal.timeout` is a timer too. */
  setFrom(source: TimerSource, callback: () => void, delayMs: number, repeat: boolean): number;
}

/**
 * What a page sees of one profile's IndexedDB, by global name: the factory (`indexedDB`) and the classes of
 * its own copy (`IDBKeyRange`, `IDBRequest`, `IDBDatabase`, …: libraries such as idb test `instanceof` them).
 */
export type ProfileIndexedDb = Readonly<Record<string, unknown>>;

/** The page's storage and messaging, made per module instance over state that outlives it. */
export interface PageStorage {
  /** The profile's `localStorage`: shared by its tabs, kept across reloads and crashes. */
  local(): Storage;
  /** The tab's `sessionStorage`: its own, kept across reloads. */
  session(): Storage;
  /** The profile's IndexedDB (`indexedDB` and the `IDB…` classes): shared by its tabs, kept across reloads. */
  indexedDb(): ProfileIndexedDb;
  /** The instance's window as an event target (`addEventListener('storage', …)`). */
  window(): EventTarget;
  /** The page's `BroadcastChannel` class. */
  broadcastChannel(): unknown;
  /** The page's `navigator`: what a browser says of itself, and the profile's Web Locks (`navigator.locks`). */
  navigator(): object;
}
