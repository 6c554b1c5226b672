import type { Checker } from '../violation.ts';

/**
 * (g) Answers keep the contract: `key` a string, `keyHint` absent or a string of at most 256 characters. With a
 * backend, its module keeps its own: `setup(env)` and `createBackend(env)` succeed and return a handler.
 */
export function providerContract(): Checker {
  return {
    property: 'provider-contract',
    kinds: ['provider-contract', 'backend'],
    observe(record) {
      if (record.kind === 'provider-contract') return { kind: 'contract-broken', client: record.actor, whose: 'provider', problem: record.problem };
      if (record.kind === 'backend' && record.event === 'contract') return { kind: 'contract-broken', client: record.actor, whose: 'backend', problem: record.detail };
      return undefined;
    },
  };
}
