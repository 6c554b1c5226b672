import type { Scenario } from '../src/scenario.ts';
import { scriptedWorld } from './scripted-world.ts';

/** The seeds' warning: a provider that discards the previous key when it makes a new one loses the winner's. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 open the document at once; both ask their provider for a new key.',
    '2. c2\'s provider, making its key second, deletes c1\'s as "the previous key".',
    '3. c1 wins the race; c2 is rejected and asks for c1\'s hint — the key is gone.',
  ],
  provider: 'examples/providers/buggy-discard-previous-key.ts',
  seed: 1,
  pins: {
    ...scriptedWorld([0, 11]),
  },
  expected: 'liveness',
};
