import type { Scenario } from '../src/scenario.ts';
import { scriptedWorld } from './scripted-world.ts';
import { scenarioAuth } from './jwt-scenario-world.ts';

/** The seeds' "Server reports JWT authentication was issued in the future", and its fix. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 open a new document; tokens are signed on demand on each browser\'s clock.',
    '2. c2\'s clock runs five minutes ahead: its token was "issued in the future" by more than the 30 s leeway.',
    '3. The server refuses it with "JWT was issued in the future"; the plugin reconnects and is refused again.',
    '4. At 20 s c2\'s clock is synchronised (NTP); its next token is accepted and it joins c1\'s session.',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: {
    ...scriptedWorld([0, 0]),
    auth: scenarioAuth,
    clocks: { skewMsMax: 0, driftPpmMax: 0, skewsMs: { c2: 300_000 } },
    faults: { phaseEndMs: 30_000, events: [{ kind: 'clock-sync', atMs: 20_000, client: 'c2' }], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 },
  },
  expected: 'pass',
};
