import type { Scenario } from '../src/scenario.ts';
import { scenario as insecure } from './secure-context.ts';

/** The same world as scenario secure-context, served from a development server on localhost: RTC starts. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 open a new document from a development server at http://localhost:3000.',
    '2. Plain http, but from a loopback host: the page is a secure context and SubtleCrypto is there.',
    '3. The seeds\' race runs: one browser creates the session, the other joins it with the winner\'s key.',
  ],
  provider: insecure.provider,
  seed: insecure.seed,
  pins: { ...insecure.pins, origin: 'http://localhost:3000' },
  expected: 'pass',
};
