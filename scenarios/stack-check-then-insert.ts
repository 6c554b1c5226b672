import type { Scenario } from '../src/scenario.ts';
import { scriptedWorld } from './scripted-world.ts';

/** The seeds' race told through a real stack: a key service that checks, then inserts, with no unique constraint. */
export const scenario: Scenario = {
  story: [
    '1. c1 and c2 open an unknown document in the same millisecond; the server has no session for it.',
    '2. Both providers fetch GET /api/documents/d1/key from the key service (no key hint: a new key).',
    "3. The service looks for the document's newest key version: both SELECTs find none.",
    '4. Both INSERT version v1, each with its own key: nothing in the schema stops the second.',
    '5. Both providers answer keyHint "v1", each with its own key: one hint now names two keys, and',
    '   hint-stability breaks before either "create session" reaches the server.',
    '6. With a unique constraint on (document_id, version) the second INSERT fails instead (examples/stacks/',
    '   pglite-raw-sql/good-backend.ts draws a random hint per key and never needs a second try).',
  ],
  provider: 'examples/stacks/pglite-raw-sql/provider.ts',
  backend: 'examples/stacks/pglite-raw-sql/buggy-check-then-insert.ts',
  seed: 1,
  pins: {
    ...scriptedWorld([0, 0]),
    // One process of the key service: the race here is between statements, not between processes.
    backendInstances: 1,
  },
  expected: 'hint-stability',
};
