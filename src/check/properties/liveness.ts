import type { Checker } from '../violation.ts';

/** (e) Within the bound after the last arrival every client is collaborating; a client that gives up breaks it. */
export function liveness(): Checker {
  return {
    property: 'liveness',
    kinds: ['state', 'stuck'],
    observe(record) {
      if (record.kind === 'state' && record.state === 'failed' && !record.detail.startsWith('encryption')) {
        return `${record.actor} gave up on ${record.documentId}: ${record.detail}`;
      }
      if (record.kind === 'stuck') {
        const lines = record.waiting.map((entry) => `${entry.client} (${entry.state}) waits for ${entry.waitingFor}`);
        return `not every client was collaborating by the liveness deadline: ${lines.join('; ')}`;
      }
      return undefined;
    },
  };
}
