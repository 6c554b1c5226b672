import type { Scenario } from '../src/scenario.ts';
import { scriptedWorld } from './scripted-world.ts';

/** A third browser opens the document a minute after the race: it asks its provider for the existing hint. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 race to create the session, as in seeds-race.',
    '2. A minute later c3 opens the document; the server answers with the existing session and its hint.',
    '3. c3 asks its provider for that hint and collaborates with the winner\'s key.',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: {
    ...scriptedWorld([0, 0, 60_000]),
  },
  expected: 'pass',
};
