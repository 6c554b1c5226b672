import type { Scenario } from '../src/scenario.ts';
import { scriptedWorld } from './scripted-world.ts';

/** The seeds' race, step by step: two browsers open an unknown document in the same millisecond. */
export const scenario: Scenario = {
  story: [
    '1. Both plugins request a session for the document id; the server has none.',
    '2. Both ask their encryption provider for a key with no key hint.',
    '3. Both send "create session".',
    '4. One connection wins; the other is rejected.',
    '5. The rejected connection waits.',
    '6. The winner uploads its content; the server announces "new session available" with the winner\'s hint.',
    '7. The rejected connection asks its provider for that hint, gets the winner\'s key, and collaborates.',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: {
    ...scriptedWorld([0, 0]),
  },
  expected: 'pass',
};
