import type { Scenario } from '../src/scenario.ts';
import { faultScenarioPins } from './fault-scenario-world.ts';

/** The key store fails c1's first write; a provider that propagates the error recovers by retrying. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 open the document together; both ask their provider for a new key.',
    '2. The key store fails c1\'s write; c1\'s provider rejects, and the plugin retries after a backoff.',
    '3. Meanwhile c2 creates and establishes the session.',
    '4. c1 retries, is told a session is being established or exists, and joins with c2\'s hint.',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: faultScenarioPins([{ kind: 'key-store-failure', client: 'c1', operationNumber: 1 }], 100),
  expected: 'pass',
};
