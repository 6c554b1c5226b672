import type { Scenario } from '../src/scenario.ts';
import { faultScenarioPins } from './fault-scenario-world.ts';

/** The rejected client loses its connection before the announcement and comes back a minute later. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 race; c2\'s create is rejected at 45 ms and it waits for the announcement.',
    '2. At 46 ms c2\'s connection drops: the announcement sent to it is lost.',
    '3. 60 s later the plugin reconnects; the server now answers with the existing session and its hint.',
    '4. c2 asks its provider for the winner\'s hint and collaborates.',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: faultScenarioPins([{ kind: 'disconnect', atMs: 46, client: 'c2', reconnectAfterMs: 60_000 }], 100),
  expected: 'pass',
};
