import { checkerOf, type Checker } from '../violation.ts';

/** (c) For every (document, hint), every answer the providers ever gave carried the same key. */
export function hintStability(): Checker {
  const first = new Map<string, { key: string; owner: string }>();
  return checkerOf('hint-stability', {
    'provider-answer': (record) => {
      // A new key is filed under the hint it came with; a requested key under the hint asked for.
      const hint = record.requestedHint ?? record.keyHint;
      const name = `${record.documentId}\u0000${hint}`;
      const earlier = first.get(name);
      if (earlier === undefined) {
        first.set(name, { key: record.key, owner: record.actor });
        return undefined;
      }
      if (earlier.key === record.key) return undefined;
      return { kind: 'hint-answered-twice', documentId: record.documentId, keyHint: hint, first: earlier, second: { owner: record.actor, key: record.key } };
    },
  });
}
