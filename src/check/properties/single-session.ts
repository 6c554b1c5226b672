import { checkerOf, type Checker } from '../violation.ts';

/** (a) At most one established session per document. */
export function singleSession(): Checker {
  const owners = new Map<string, string>();
  return checkerOf('single-session', {
    session: (record) => {
      if (record.status !== 'established') return undefined;
      const earlier = owners.get(record.documentId);
      if (earlier !== undefined) return { kind: 'two-sessions', documentId: record.documentId, firstOwner: earlier, secondOwner: record.owner };
      owners.set(record.documentId, record.owner);
      return undefined;
    },
  });
}
