// How many documents a world has and which client opens which: drawn per seed from a stream of its own
// (`documents`), so that adding these draws shifted no other component's numbers, and pinned by `documents`.
import { describeTabs, type Tabs } from './tabs.ts';
import type { RandomStream } from '../kernel/random.ts';
import { assertNever } from '../kernel/assert-never.ts';
import type { documentSpreads } from './schema-parts.ts';

/** How clients spread over documents (see `documentSpreads`). */
export type DocumentSpread = (typeof documentSpreads)[number];

/** A document count, or a range each seed draws its count from. */
export type DocumentCount = number | { readonly min: number; readonly max: number };

/** The documents of a default world: each seed draws 1 to 3 (never more than its clients). */
export const documentsDefault: DocumentCount = { min: 1, max: 3 };

/** The fewest and most documents a pin allows (a number pins both). */
export function documentBounds(count: DocumentCount = documentsDefault): { readonly min: number; readonly max: number } {
  return typeof count === 'number' ? { min: count, max: count } : count;
}

/**
 * The range a seed draws its documents from. A document whose every browser is a viewer can never be
 * created: with viewers named, one document unless the documents are pinned too (then such a world is the
 * user's to ask for).
 */
export function documentRange(pin: DocumentCount | undefined, viewers: boolean): { readonly min: number; readonly max: number } {
  return documentBounds(pin ?? (viewers ? 1 : undefined));
}

/** What a seed's document draw depends on: the client count and the pins. */
export interface DocumentDrawContext {
  readonly clients: number;
  readonly pin: DocumentCount | undefined;
  readonly spreadPin: DocumentSpread | undefined;
  /** Whether some clients are pinned as viewers (read-only). */
  readonly viewers: boolean;
}

/** One seed's documents: the count within the pin (capped at the client count) and the spread. */
export function drawDocuments(stream: RandomStream, context: DocumentDrawContext): { documents: number; documentSpread: DocumentSpread } {
  const { clients, spreadPin } = context;
  const { min, max } = documentRange(context.pin, context.viewers);
  const documents = Math.min(stream.integer(min, max), clients);
  // Always drawn, pinned or not, so that pinning the spread leaves the count's draw where it was.
  const drawnSpread = stream.pick(['even', 'even', 'blocks', 'skewed'] as const);
  return { documents, documentSpread: spreadPin ?? drawnSpread };
}

/** The document (`d1`, `d2`, …) the client at `index` (from 0) opens; an absent spread is `even`. */
export function documentOfClient(index: number, world: { readonly clients: number; readonly documents: number; readonly documentSpread?: DocumentSpread | undefined }): string {
  const { clients, documents } = world;
  const spread = world.documentSpread ?? 'even';
  switch (spread) {
    case 'even':
      return `d${(index % documents) + 1}`;
    case 'blocks':
      return `d${Math.floor((index * documents) / clients) + 1}`;
    case 'skewed': {
      // The first document takes every client but one for each other document.
      const crowd = clients - documents + 1;
      return `d${index < crowd ? 1 : index - crowd + 2}`;
    }
    default:
      return assertNever(spread, 'document spread');
  }
}

/** The spread in words for the config line: `2 documents (skewed: d1 ×2, d2 ×1)`. */
export function describeDocuments(world: { readonly clients: number; readonly documents: number; readonly documentSpread?: DocumentSpread | undefined; readonly tabs?: Tabs | undefined }): string {
  const tabs = describeTabs(world.tabs, world.clients);
  if (tabs !== '') return `${describeDocuments({ ...world, tabs: undefined })}; ${tabs}`;
  if (world.documents === 1) return '1 document';
  const counts = new Map<string, number>();
  for (let index = 0; index < world.clients; index++) {
    const document = documentOfClient(index, world);
    counts.set(document, (counts.get(document) ?? 0) + 1);
  }
  const shares = [...counts].map(([document, count]) => `${document} ×${count}`).join(', ');
  return `${world.documents} documents (${world.documentSpread ?? 'even'}: ${shares})`;
}
