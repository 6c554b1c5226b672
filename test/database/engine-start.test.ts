import { describe, expect, it } from 'vitest';
import { DatabaseEngine } from '../../src/database/engine.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { epochMs, setupOf } from './support.ts';

// An engine of its own (seconds to start, closed at the end): what its start leaves on the host, its first
// fresh run, and its close. Every other test shares the process's engine, started long before. The start is
// inside the test, not in a hook, so that a start that fails fails the test.
describe('a new engine', () => {
  it("gives the host's setTimeout back after its start, builds its first setup for that reason, answers now() from the run's machine, and closes", async () => {
    const setTimeoutBefore = globalThis.setTimeout;
    const engine = await DatabaseEngine.start();
    try {
      expect(globalThis.setTimeout).toBe(setTimeoutBefore);
      const machine = { clockMs: () => epochMs + 42, entropy: forkStream(1, 'database') };
      expect(await engine.freshRun(setupOf('engine-start', 'CREATE TABLE started (n int)'), machine)).toMatchObject({ kind: 'built', reason: 'first-setup' });
      const answered = await engine.query<{ now: Date }>(machine, 'SELECT now() AS now');
      expect(answered.rows).toEqual([{ now: new Date(epochMs + 42) }]);
    } finally {
      await engine.close();
    }
    await expect(engine.query({ clockMs: () => epochMs, entropy: forkStream(2, 'database') }, 'SELECT 1')).rejects.toThrow('PGlite is closed');
  }, 120_000);
});
