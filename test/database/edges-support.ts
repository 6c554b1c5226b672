import { sharedEngine } from '../../src/database/engine.ts';
import type { DatabaseHandle } from '../../src/database/handles.ts';
import type { SimEvent } from '../../src/kernel/event.ts';
import type { Strategy } from '../../src/kernel/strategy.ts';
import { runWorld, setupOf, type RunOptions } from './support.ts';

// What the tests of the simulated database's edges share (database-edges.test.ts, transactions.test.ts).

/** One table keyed by document. */
export const setup = setupOf('edges-keys', 'CREATE TABLE keys (document text PRIMARY KEY, key text NOT NULL);');

/** The events `strategy` chose, as the kernel saw them. */
export function recording(strategy: Strategy, chosen: string[]): Strategy {
  return {
    name: 'recording',
    choose(enabled: readonly SimEvent[], context) {
      const index = strategy.choose(enabled, context);
      const event = enabled[index];
      if (event !== undefined) chosen.push(`${event.key} ${event.actor} ${event.timing} ${event.resources.join(',')} @${context.nowMs}→${event.dueMs}`);
      return index;
    },
  };
}

/** Inserts document d1 with `key`. */
export const insert = (key: string) => `INSERT INTO keys VALUES ('d1', '${key}')`;
/** A promise that never settles: a transaction's function that never returns. */
export const never = new Promise<never>(() => undefined);
/** Resolves when `signal()` is called: one caller waits for another's step. */
export function latch(): { wait: Promise<void>; signal: () => void } {
  let signal: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (signal = resolve));
  return { wait, signal };
}
/** The keys in the table, in order. */
export const rows = async (db: DatabaseHandle) => (await db.query<{ key: string }>('SELECT key FROM keys ORDER BY key')).rows.map((row) => row.key);
/** A run of seed 1 on `setup` with 2 ms latencies, on the process's shared engine. */
export const run = async (options: Omit<RunOptions, 'engine' | 'setup' | 'seed'>) => runWorld({ engine: await sharedEngine(), setup, seed: 1, latencyMs: { min: 2, max: 2 }, ...options });
/** Each record as `key first-word outcome`. */
export const outcomes = (result: Awaited<ReturnType<typeof runWorld>>) => result.records.map((record) => `${record.key} ${record.text.split(' ')[0]} ${JSON.stringify(record.outcome)}`);
