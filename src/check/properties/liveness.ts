import type { Checker } from '../violation.ts';

/**
 * (e) Within the bound after the last arrival every client is collaborating; a client that gives up for a
 * reason other than encryption (that is agreement's) breaks it. Decided here alone, from the world's records:
 * the clients still waiting at the liveness deadline, and those waiting when nothing was left to happen
 * before the world finished.
 */
export function liveness(): Checker {
  return {
    property: 'liveness',
    kinds: ['state', 'liveness-deadline', 'stalled'],
    observe(record) {
      if (record.kind === 'state' && record.state === 'failed' && record.failure.kind !== 'encryption') {
        return { kind: 'gave-up', client: record.actor, documentId: record.documentId, failure: record.failure };
      }
      if (record.kind === 'liveness-deadline' && record.clients.length > 0) return { kind: 'not-settled', when: 'deadline', waiting: record.clients };
      if (record.kind === 'stalled') return { kind: 'not-settled', when: 'stalled', waiting: record.clients };
      return undefined;
    },
  };
}
