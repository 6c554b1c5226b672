import type { Scenario } from '../src/scenario.ts';
import { faultScenarioPins } from './fault-scenario-world.ts';

/** The server restarts after accepting c1's create and before the upload completes it. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 race; c1\'s create is accepted at 45 ms.',
    '2. At 50 ms the server restarts: every connection drops, and the session being established is lost.',
    '3. Both plugins reconnect a second later and race again, each with a new key.',
    '4. One wins, the other joins with the winner\'s hint.',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: faultScenarioPins([{ kind: 'server-restart', atMs: 50, downMs: 1_000 }], 100),
  expected: 'pass',
};
