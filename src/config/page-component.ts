import { z } from 'zod';
import { clientName, milliseconds } from './schema-parts.ts';
import type { RandomStream } from '../kernel/random.ts';
import { faultVerb, type ComponentDefinition } from './registry.ts';

/**
 * The page a browser tab shows: its one fault is a reload (the user presses F5, the app reloads itself after
 * an update, the tab is discarded and restored). The page's memory is lost, its storage kept (localStorage,
 * sessionStorage, IndexedDB: src/model/browser/), the editor re-initialises after `reloadMs` and asks its provider
 * again — what a crash does to the page, in a page's time and words. Drawn from a stream of its own
 * (`drawPageReloads`), not among the timed faults, so that older seeds' fault plans stay as they were.
 */
export const pageComponent = {
  name: 'page',
  faults: [
    faultVerb({
      kind: 'page-reload',
      schema: z.object({ kind: z.literal('page-reload'), atMs: milliseconds, client: clientName, reloadMs: milliseconds }).strict(),
      describe: (fault) => `${fault.client} reloads its page at ${fault.atMs}ms (the editor is back after ${fault.reloadMs}ms)`,
      inject: (fault, world) => {
        world.record(fault.client, 'page-reload', `the page reloads: memory lost, storage kept; the editor asks its provider again after ${fault.reloadMs}ms`);
        world.client(fault.client)?.crash(fault.reloadMs, 'page-reloaded');
      },
    }),
  ],
  lifelines: () => [],
} as const satisfies ComponentDefinition;

/** A fault plan's page reloads: none, or one of a client during the fault phase, in about a third of the plans. */
export function drawPageReloads(stream: RandomStream, phaseEndMs: number, clients: number): { kind: 'page-reload'; atMs: number; client: string; reloadMs: number }[] {
  if (phaseEndMs === 0 || stream.next() >= 1 / 3) return [];
  return [{ kind: 'page-reload', atMs: stream.integer(0, phaseEndMs - 1), client: `c${stream.integer(1, clients)}`, reloadMs: stream.pick([300, 1_500]) }];
}
