import type { Scenario } from '../src/scenario.ts';
import { faultScenarioPins } from './fault-scenario-world.ts';

/** The same lost write, against a provider that swallows the error and hands out the unsaved key. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 open the document together; c1\'s write of its new key fails.',
    '2. c1\'s provider ignores the failure and returns the unsaved key; c1 wins the race.',
    '3. c2 asks for c1\'s hint: no key was ever stored under it.',
  ],
  provider: 'examples/providers/buggy-swallowed-write.ts',
  seed: 1,
  pins: faultScenarioPins([{ kind: 'key-store-failure', client: 'c1', operationNumber: 1 }], 100),
  expected: 'liveness',
};
