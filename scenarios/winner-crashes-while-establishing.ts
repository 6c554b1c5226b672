import type { Scenario } from '../src/scenario.ts';
import { faultScenarioPins } from './fault-scenario-world.ts';

/** The winner crashes after its create is accepted, before its upload lands: the server must release the session. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 race; c1\'s create is accepted at 45 ms and c2 waits.',
    '2. At 46 ms c1\'s browser crashes: its upload, still in flight, is lost.',
    '3. The server waits 15 s for c1, then releases the session and tells c2 to start over.',
    '4. c2 asks its provider for a new key and establishes the session.',
    '5. c1 restarts 20 s after the crash, with a fresh provider instance, and joins c2\'s session.',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: faultScenarioPins([{ kind: 'crash', atMs: 46, client: 'c1', restartAfterMs: 20_000 }], 100),
  expected: 'pass',
};
