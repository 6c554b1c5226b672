import { SessionBook } from '../session-book.ts';
import type { Checker } from '../violation.ts';
import { shortKey } from '../../report/format.ts';

/** (b) Every client collaborating on a document holds the winner's key; a client that cannot decrypt breaks it. */
export function agreement(): Checker {
  const book = new SessionBook();
  return {
    property: 'agreement',
    kinds: ['state', 'provider-answer', 'session'],
    observe(record) {
      book.read(record);
      if (record.kind !== 'state') return undefined;
      const winner = book.winner(record.documentId);
      if (record.state === 'failed' && record.detail.startsWith('encryption')) {
        const whose = winner === undefined ? '' : ` (the winner ${winner.owner}'s key is ${shortKey(winner.key)})`;
        return `${record.actor} cannot open ${record.documentId}: ${record.detail}${whose}`;
      }
      if (record.state === 'collaborating' && winner !== undefined && record.key !== winner.key) {
        return `${record.actor} collaborates on ${record.documentId} with key ${shortKey(record.key ?? '')}, but the winner ${winner.owner}'s key is ${shortKey(winner.key)}`;
      }
      return undefined;
    },
  };
}
