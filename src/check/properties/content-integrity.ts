import { SessionBook } from '../session-book.ts';
import { checkerOf, type Checker } from '../violation.ts';

/** (f) Every collaborating client sees the winner's initial content. */
export function contentIntegrity(): Checker {
  const book = new SessionBook();
  return checkerOf('content-integrity', {
    'provider-answer': (record) => book.answered(record),
    session: (record) => book.sessionChanged(record),
    state: (record) => {
      book.stateChanged(record);
      if (record.state !== 'collaborating') return undefined;
      const winner = book.winner(record.documentId);
      if (winner === undefined) return { kind: 'content-before-session', client: record.actor, documentId: record.documentId };
      if (record.content !== winner.content) {
        return { kind: 'content-differs-from-winner', client: record.actor, documentId: record.documentId, content: record.content, winner };
      }
      return undefined;
    },
  });
}
