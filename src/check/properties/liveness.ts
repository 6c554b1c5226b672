import type { ClientStatus } from '../../model/observations.ts';
import { checkerOf, type Checker, type WaitingClient } from '../violation.ts';

/**
 * (e) Within the bound after the last arrival every client is collaborating; a client that gives up for a
 * reason other than encryption (that is agreement's) breaks it. Decided here alone, from the world's records:
 * the clients still waiting at the liveness deadline, and those waiting when nothing was left to happen
 * before the world finished. A client still asking its provider is told with how its calls have failed since
 * its provider last answered (a browser keeps asking while they fail; the deadline judges).
 */
export function liveness(): Checker {
  const failing = new Map<string, { times: number; last: string }>();
  const withFailures = (clients: readonly ClientStatus[]): WaitingClient[] =>
    clients.map((status) => {
      const providerFailing = failing.get(status.client);
      return providerFailing === undefined ? status : { ...status, providerFailing };
    });
  return checkerOf('liveness', {
    'provider-failure': (record) => {
      failing.set(record.actor, { times: (failing.get(record.actor)?.times ?? 0) + 1, last: `${record.failure}: ${record.message}` });
    },
    'provider-answer': (record) => {
      failing.delete(record.actor);
    },
    state: (record) => (record.state === 'failed' && record.failure.kind !== 'encryption' ? { kind: 'gave-up', client: record.actor, documentId: record.documentId, failure: record.failure } : undefined),
    'liveness-deadline': (record) => (record.clients.length > 0 ? { kind: 'not-settled', when: 'deadline', waiting: withFailures(record.clients) } : undefined),
    stalled: (record) => ({ kind: 'not-settled', when: 'stalled', waiting: withFailures(record.clients) }),
  });
}
