import type { Checker } from '../violation.ts';

/** (g) Answers keep the contract: `key` a string, `keyHint` absent or a string of at most 256 characters. */
export function providerContract(): Checker {
  return {
    property: 'provider-contract',
    kinds: ['provider-contract'],
    observe(record) {
      return record.kind === 'provider-contract' ? { kind: 'contract-broken', client: record.actor, problem: record.problem } : undefined;
    },
  };
}
