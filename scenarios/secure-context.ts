import type { Scenario } from '../src/scenario.ts';
import { scriptedWorld } from './scripted-world.ts';

/** The seeds' "RTC services require a secure context": a staging site served over plain http. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 open a new document on a staging site served over plain http://staging.example.',
    '2. That page is not a secure context, so the browser offers no SubtleCrypto, which RTC encrypts with.',
    '3. The first browser, c1, stops at once with "RTC services require a secure context": no provider call, no message',
    '   to the server. liveness reports it; every browser of this world would stop the same way.',
    '4. Served over https, or from localhost in development, the race runs (scenario secure-context-localhost).',
  ],
  provider: 'examples/providers/good-store-backed-dynamic.ts',
  seed: 1,
  pins: {
    ...scriptedWorld([0, 0]),
    livenessBoundMs: 30_000,
    origin: 'http://staging.example',
  },
  expected: 'liveness',
};
