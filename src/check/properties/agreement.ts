import { SessionBook } from '../session-book.ts';
import { checkerOf, type Checker } from '../violation.ts';

/** (b) Every client collaborating on a document holds the winner's key; a client that cannot decrypt breaks it. */
export function agreement(): Checker {
  const book = new SessionBook();
  return checkerOf('agreement', {
    'provider-answer': (record) => book.answered(record),
    session: (record) => book.sessionChanged(record),
    state: (record) => {
      book.stateChanged(record);
      const winner = book.winner(record.documentId);
      if (record.state === 'failed' && record.failure.kind === 'encryption') {
        return { kind: 'cannot-open', client: record.actor, documentId: record.documentId, failure: record.failure, winner };
      }
      if (record.state === 'collaborating' && winner !== undefined && record.key !== winner.key) {
        return { kind: 'key-differs-from-winner', client: record.actor, documentId: record.documentId, key: record.key ?? '', winner };
      }
      return undefined;
    },
  });
}
