import { checkerOf, type Checker } from '../violation.ts';

/**
 * (g) Answers keep the contract: `key` a string, `keyHint` absent or a string of at most 256 characters. With a
 * backend, its module keeps its own: `setup(env)` and `createBackend(env)` succeed and return a handler.
 */
export function providerContract(): Checker {
  return checkerOf('provider-contract', {
    'provider-contract': (record) => ({ kind: 'contract-broken', client: record.actor, whose: 'provider', problem: record.problem }),
    backend: (record) => (record.event === 'contract' ? { kind: 'contract-broken', client: record.actor, whose: 'backend', problem: record.detail } : undefined),
  });
}
