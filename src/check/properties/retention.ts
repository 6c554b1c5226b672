import type { Checker } from '../violation.ts';
import { shortKey } from '../../report/format.ts';

/** (d) After the race and again after hours of quiet, a fresh client resolves every session's hint to its key. */
export function retention(): Checker {
  return {
    property: 'retention',
    kinds: ['probe'],
    observe(record) {
      if (record.kind !== 'probe') return undefined;
      const when = record.actor === 'probe-1' ? 'right after the race' : 'after the quiet period';
      const asked = `${record.documentId}'s keyHint ${JSON.stringify(record.keyHint)}`;
      if (record.failure !== undefined) return `a fresh client ${when} could not get the key for ${asked}: ${record.failure}`;
      if (record.key !== record.expectedKey) {
        return `a fresh client ${when} got key ${shortKey(record.key ?? '')} for ${asked}, but the session was made with ${shortKey(record.expectedKey)}`;
      }
      return undefined;
    },
  };
}
