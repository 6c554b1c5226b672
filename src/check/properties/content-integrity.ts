import { SessionBook } from '../session-book.ts';
import type { Checker } from '../violation.ts';

/** (f) Every collaborating client sees the winner's initial content. */
export function contentIntegrity(): Checker {
  const book = new SessionBook();
  return {
    property: 'content-integrity',
    kinds: ['state', 'provider-answer', 'session'],
    observe(record) {
      book.read(record);
      if (record.kind !== 'state' || record.state !== 'collaborating') return undefined;
      const winner = book.winner(record.documentId);
      if (winner === undefined) return `${record.actor} collaborates on ${record.documentId} before any session was established`;
      if (record.content !== winner.content) {
        return `${record.actor} sees ${JSON.stringify(record.content)} on ${record.documentId}, not the winner ${winner.owner}'s ${JSON.stringify(winner.content)}`;
      }
      return undefined;
    },
  };
}
