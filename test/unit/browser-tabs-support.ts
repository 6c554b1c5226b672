import type { SimEvent } from '../../src/kernel/event.ts';
import type { Realm } from '../../src/providers/realm.ts';
import { settle, fakeWorld, type FakeWorld } from './support.ts';

/** What the page modules of one tab are built from: the world, its realm, the tab, and whether its page still runs. */
export interface TabPartsAlive {
  readonly world: FakeWorld;
  readonly realm: Realm;
  readonly clientId: string;
  readonly alive: () => boolean;
}

/**
 * A hand-built world of three clients in which `tabs` says which are second tabs of another's browser (by
 * default c2 is a second tab of c1's browser, c3 a browser of its own), with a switch to crash a tab's page.
 */
export function tabsWorld(tabs: Readonly<Record<string, string>> = { c2: 'c1' }) {
  const world = fakeWorld({ clients: 3, tabs });
  const crashed = new Set<string>();
  const parts = (clientId: string): TabPartsAlive => ({ world, realm: world.source.realm, clientId, alive: () => !crashed.has(clientId) });
  return { world, parts, crash: (clientId: string) => crashed.add(clientId) };
}

/**
 * Runs every enabled event, choosing the LAST enabled one each time (an adversarial order: whatever must stay in
 * order has to be kept so by lanes, not by the sequence), settling user code between them; returns the keys run.
 */
export async function runBackwards(world: FakeWorld): Promise<string[]> {
  const keys: string[] = [];
  for (let steps = 0; steps < 1_000; steps++) {
    await settle(world);
    const next: SimEvent | undefined = world.queue.enabled().at(-1);
    if (next === undefined) return keys;
    world.queue.take(next);
    keys.push(next.key);
    next.action();
  }
  throw new Error('runBackwards: more than 1,000 events');
}
