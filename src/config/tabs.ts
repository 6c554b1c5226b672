import { z } from 'zod';
import type { RandomStream } from '../kernel/random.ts';
import { clientName } from './schema-parts.ts';

/**
 * Which clients are a second tab of another client's browser: `{ "c3": "c1" }` — c3 opens its document in
 * c1's browser profile, sharing its localStorage, IndexedDB and BroadcastChannels (src/model/browser/). Absent:
 * drawn per seed (`drawTabs`); `{}` pins every client to a browser of its own.
 */
export const tabsSchema = z
  .record(clientName, clientName)
  .refine((tabs) => Object.entries(tabs).every(([tab, browser]) => tab !== browser && tabs[browser] === undefined), { message: 'a tab opens in a browser that is not itself a tab' })
  .optional();

/** Tabs as a config holds them. */
export type Tabs = Readonly<Record<string, string>>;

/**
 * Draws a seed's tabs from its own stream (so no other draw moves): in about a third of the worlds of two or
 * more clients, one client (not the first) is a second tab of an earlier one — on the same document or on
 * another, as the document draw placed them.
 */
export function drawTabs(stream: RandomStream, clients: number): Tabs | undefined {
  if (clients < 2 || stream.next() >= 1 / 3) return undefined;
  const tab = stream.integer(2, clients);
  return { [`c${tab}`]: `c${stream.integer(1, tab - 1)}` };
}

/**
 * The tabs in words, for the world line: `c3 is a second tab of c1's browser`. Only those of clients the world
 * has: a shrunk world with fewer clients keeps its tabs field, and a tab beyond its clients opens nothing.
 */
export function describeTabs(tabs: Tabs | undefined, clients: number): string {
  const exists = (client: string): boolean => Number(client.slice(1)) <= clients;
  return Object.entries(tabs ?? {})
    .filter(([tab, browser]) => exists(tab) && exists(browser))
    .map(([tab, browser]) => `${tab} is a second tab of ${browser}'s browser`)
    .join(', ');
}
