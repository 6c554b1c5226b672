import type { VirtualTimers } from '../../providers/machine-services.ts';
import { inertIndexedDb } from './indexed-db.ts';
import type { PageStorage } from './page-services.ts';
import { StorageArea, webStorage } from './web-storage.ts';

/**
 * What the one instance made to check a module's exports at load gets of a page, before any run exists: a
 * browser's globals that work and lead nowhere — empty storage, a BroadcastChannel no one hears, an IndexedDB
 * and Web Locks that never answer, timers that never fire. A module that opens a channel, reads
 * localStorage, opens its database or starts an interval at its top level loads as it does in a browser; what
 * it does then is seen in the runs, on their pages.
 */
export function checkingPage(): { readonly storage: PageStorage; readonly timers: VirtualTimers } {
  let timers = 0;
  const storage: PageStorage = {
    local: () => webStorage(new StorageArea()),
    session: () => webStorage(new StorageArea()),
    indexedDb: inertIndexedDb,
    window: () => new EventTarget(),
    broadcastChannel: () =>
      class BroadcastChannel extends EventTarget {
        onmessage: ((event: MessageEvent) => unknown) | null = null;
        onmessageerror: ((event: MessageEvent) => unknown) | null = null;
        constructor(readonly name: string) {
          super();
          this.name = String(name);
        }
        postMessage(message: unknown): void {
          structuredClone(message);
        }
        close(): void {}
      },
    navigator: () => ({ onLine: true, locks: { request: () => new Promise(() => undefined), query: () => Promise.resolve({ held: [], pending: [] }) } }),
  };
  return { storage, timers: { set: () => ++timers, clear: () => undefined } };
}
