import { describeThrown } from '../../errors.ts';
import { Lane } from '../../kernel/event.ts';
import type { WorldContext } from '../world-context.ts';
import type { Realm } from '../../providers/realm.ts';
import { otherTabs, pageState, type PageState } from './page-state.ts';
import type { StorageChange } from './web-storage.ts';

/** What delivering between tabs needs: the world, the page's realm, and the tab that sends. */
export interface TabParts {
  readonly world: WorldContext;
  readonly realm: Realm;
  readonly clientId: string;
}

const lanes = new WeakMap<PageState, Lane>();
const counts = new WeakMap<PageState, { value: number }>();

/**
 * Delivers to a tab as a task of its own: a kernel event keyed `tab:c2#n`, on one FIFO lane per receiving
 * tab (a browser runs a tab's tasks in order; strategies interleave them with everything else). A listener
 * that throws is the receiving page's uncaught error.
 */
export function deliverToTab(parts: TabParts, receiver: PageState, receiverId: string, deliver: () => void): void {
  const { world, realm } = parts;
  let lane = lanes.get(receiver);
  if (lane === undefined) {
    lane = new Lane(`tab:${receiverId}`);
    lanes.set(receiver, lane);
  }
  const count = counts.get(receiver) ?? { value: 0 };
  counts.set(receiver, count);
  world.queue.async(
    {
      key: `tab:${receiverId}#${++count.value}`,
      actor: receiverId,
      resources: [receiverId],
      delayMs: 0,
      action: () => {
        if (world.closed) return;
        try {
          deliver();
        } catch (error) {
          if (world.wants('console')) world.emit({ kind: 'console', actor: receiverId, level: 'error', text: `Uncaught ${describeThrown(error)}` });
        }
        realm.touch();
      },
    },
    lane,
  );
}

/**
 * A change to the profile's localStorage made by tab `clientId`: every other tab of the profile gets a
 * `storage` event on its window (not the tab that wrote, as the standard says), with the key, both values and
 * the page's URL.
 */
export function announceStorageChange(parts: TabParts, change: StorageChange, url: string): void {
  const { world, clientId } = parts;
  const sender = pageState(world, clientId);
  for (const receiver of otherTabs(world, sender.profile, clientId)) {
    deliverToTab(parts, receiver, receiver.id, () => {
      for (const instance of receiver.instances) {
        if (!instance.alive()) continue;
        instance.window.dispatchEvent(Object.assign(new Event('storage'), { ...change, url }));
      }
    });
  }
}
