import type { NodeClock } from '../clocks.ts';
import type { WorldContext } from '../world-context.ts';
import type { Realm } from '../../providers/realm.ts';
import { profileIndexedDb } from './indexed-db.ts';
import type { PageStorage } from './page-services.ts';

export type { PageStorage } from './page-services.ts';
import { defaultOrigin } from '../../config/origin.ts';
import { pageBroadcastChannel } from './broadcast-channel.ts';
import { pageNavigator } from './navigator.ts';
import { pageState } from './page-state.ts';
import { announceStorageChange } from './tab-messages.ts';
import { webStorage } from './web-storage.ts';

/**
 * The `localStorage` and `sessionStorage` of one module instance of tab `clientId`. A retention probe is a
 * fresh browser: a profile of its own, empty. What a crash does to storage: nothing — a browser writes
 * localStorage to disk and restores a crashed tab's session, so both survive as they would in a reload.
 */
export function pageStorage(world: WorldContext, clientId: string, clock: NodeClock, realm: Realm, alive: () => boolean = () => true): PageStorage {
  let window: EventTarget | undefined;
  const parts = { world, realm, clientId };
  // The page's URL, as a storage event tells it: parsed at the first change, not for every instance made.
  let url: string | undefined;
  return {
    local: () => webStorage(pageState(world, clientId).profile.local, (change) => announceStorageChange(parts, change, (url ??= `${new URL(world.config.origin ?? defaultOrigin).origin}/`))),
    window: () => {
      if (window === undefined) {
        window = new EventTarget();
        pageState(world, clientId).instances.push({ window, alive });
      }
      return window;
    },
    broadcastChannel: () => pageBroadcastChannel({ ...parts, alive }),
    navigator: () => pageNavigator({ ...parts, alive }),
    session: () => webStorage(pageState(world, clientId).session),
    indexedDb: () => {
      const profile = pageState(world, clientId).profile;
      // The profile's clock is that of the tab that first opened its IndexedDB: the tabs of a browser share one.
      return (profile.indexedDb ??= profileIndexedDb({ world, profileId: profile.id, clock: () => clock.read(world.queue.nowMs), realm }));
    },
  };
}
