import { checkerOf, type Checker } from '../violation.ts';

/** (d) Right after the race and at every later retention horizon, a fresh client resolves every session's hint to its key. */
export function retention(): Checker {
  return checkerOf('retention', {
    probe: (record) => {
      const asked = { probe: record.actor, horizonMs: record.horizonMs, documentId: record.documentId, keyHint: record.keyHint };
      if (record.failure !== undefined) return { kind: 'probe-failed', ...asked, failure: record.failure };
      if (record.key !== record.expectedKey) return { kind: 'probe-wrong-key', ...asked, key: record.key ?? '', expectedKey: record.expectedKey };
      return undefined;
    },
  });
}
