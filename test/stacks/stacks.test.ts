import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendModule } from '../../src/backend/contract.ts';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import type { Strategy } from '../../src/kernel/strategy.ts';
import type { EncryptionProvider, ProviderAnswer } from '../../src/providers/types.ts';
import * as knexCheckThenInsert from '../../examples/stacks/express-knex/buggy-check-then-insert.ts';
import * as knexNewestKeyLookup from '../../examples/stacks/express-knex/buggy-newest-key-lookup.ts';
import * as knexUpsertReplacesKey from '../../examples/stacks/express-knex/buggy-upsert-replaces-key.ts';
import * as knexGood from '../../examples/stacks/express-knex/good-backend.ts';
import knexProvider from '../../examples/stacks/express-knex/provider.ts';
import * as rawCheckThenInsert from '../../examples/stacks/pglite-raw-sql/buggy-check-then-insert.ts';
import * as rawNewestKeyLookup from '../../examples/stacks/pglite-raw-sql/buggy-newest-key-lookup.ts';
import * as rawUpsertReplacesKey from '../../examples/stacks/pglite-raw-sql/buggy-upsert-replaces-key.ts';
import * as rawGood from '../../examples/stacks/pglite-raw-sql/good-backend.ts';
import rawProvider from '../../examples/stacks/pglite-raw-sql/provider.ts';
import { describeStatement, keysByHint, runStack, scripted, seededRandom, startInSandbox, type BrowserScript, type Settled, type StackRun } from './support.ts';

// One engine for the file: a cold start costs seconds, a fresh run a few milliseconds.
let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
});

interface Stack {
  readonly name: string;
  readonly provider: EncryptionProvider;
  readonly backends: { good: BackendModule; checkThenInsert: BackendModule; upsertReplacesKey: BackendModule; newestKeyLookup: BackendModule };
  /** The event keys of the race's four statements on document_keys: c1's and c2's read, then c1's and c2's write. */
  readonly race: { c1Read: string; c2Read: string; c1Write: string; c2Write: string };
  /** Whether the app reaches the database through a one-connection pool (knex-pglite), which orders concurrent requests' statements. */
  readonly pooled: boolean;
}

const stacks: Stack[] = [
  {
    name: 'pglite-raw-sql',
    provider: rawProvider,
    backends: { good: rawGood, checkThenInsert: rawCheckThenInsert, upsertReplacesKey: rawUpsertReplacesKey, newestKeyLookup: rawNewestKeyLookup },
    race: { c1Read: 'sql:c1#1', c2Read: 'sql:c2#1', c1Write: 'sql:c1#2', c2Write: 'sql:c2#2' },
    pooled: false,
  },
  {
    name: 'express-knex',
    provider: knexProvider,
    backends: { good: knexGood, checkThenInsert: knexCheckThenInsert, upsertReplacesKey: knexUpsertReplacesKey, newestKeyLookup: knexNewestKeyLookup },
    // sql:c1#1 is knex's `select version()`, run by the first request on the app's connection.
    race: { c1Read: 'sql:c1#2', c2Read: 'sql:c2#1', c1Write: 'sql:c1#3', c2Write: 'sql:c2#2' },
    pooled: true,
  },
];

const documentId = 'docs/7 draft';

const answer = (settled: Settled | undefined): ProviderAnswer => {
  if (settled === undefined || !('ok' in settled) || !settled.ok) throw new Error(`no answer: ${JSON.stringify(settled)}`);
  return settled.value as ProviderAnswer;
};

/** Runs `browsers` against one backend of `stack`; by default the first enabled event runs each time. */
function runAgainst(stack: Stack, backend: keyof Stack['backends'], browsers: Record<string, BrowserScript>, strategy: Strategy = scripted([]), seed = 1): Promise<StackRun> {
  return runStack({ engine, label: `${stack.name}/${backend}`, backend: stack.backends[backend], provider: stack.provider, seed, strategy, browsers });
}

/** Two browsers ask for a new key at once; when both have one, a third looks both hints up (c1's first). */
function race(stack: Stack, backend: keyof Stack['backends'], strategy: Strategy, seed = 1): Promise<StackRun> {
  const created: Record<string, Promise<ProviderAnswer>> = {};
  const creator = (name: string): BrowserScript => (provider) => (created[name] = Promise.resolve(provider({ documentId, keyHint: null })));
  return runAgainst(
    stack,
    backend,
    {
      c1: creator('c1'),
      c2: creator('c2'),
      probe: async (provider) => {
        const answers = await Promise.all([created['c1'], created['c2']]);
        const found: ProviderAnswer[] = [];
        for (const { keyHint } of answers as ProviderAnswer[]) found.push(await provider({ documentId, keyHint: keyHint ?? '' }));
        return found;
      },
    },
    strategy,
    seed,
  );
}

/** The race's answers: c1's and c2's new keys, and what the probe found for c1's hint and for c2's. */
function raceAnswers(run: StackRun) {
  const [forC1, forC2] = answer(run.results['probe']) as unknown as ProviderAnswer[];
  return { c1: answer(run.results['c1']), c2: answer(run.results['c2']), forC1: forC1 as ProviderAnswer, forC2: forC2 as ProviderAnswer };
}

const documentKeyStatements = (run: StackRun) => run.records.map(describeStatement).filter((line) => line.includes('document_keys'));

// c1 reads, c2 reads, c1 writes, c2 writes: each caller's next statement in turn.
const readsThenWrites = () => scripted(['sql:c1#', 'sql:c2#', 'sql:c1#', 'sql:c2#']);

describe.each(stacks)('$name', (stack) => {
  describe.each(Object.keys(stack.backends) as (keyof Stack['backends'])[])('%s backend, one request at a time', (backend) => {
    it('creates a key, answers the same key for its hint and for the next new session, and 404s an unknown hint', async () => {
      const run = await runAgainst(stack, backend, {
        c1: async (provider) => {
          const created = await provider({ documentId, keyHint: null });
          const again = await provider({ documentId, keyHint: created.keyHint ?? '' });
          const reused = await provider({ documentId, keyHint: null });
          const unknown = await Promise.resolve(provider({ documentId, keyHint: 'no-such-hint' })).then(
            () => 'answered',
            (error: unknown) => String((error as Error).message),
          );
          return { created, again, reused, unknown };
        },
      });
      const { created, again, reused, unknown } = answer(run.results['c1']) as unknown as { created: ProviderAnswer; again: ProviderAnswer; reused: ProviderAnswer; unknown: string };
      expect(created.key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(created.keyHint).toMatch(/^\S+$/);
      expect(again).toEqual(created);
      expect(reused).toEqual(created);
      expect(unknown).toBe('could not get the encryption key of docs/7 draft: HTTP 404');
      expect(run.end.kind).toBe('quiescent');
    });

    it('a second browser that asks after the first has its key gets the same pair', async () => {
      let first: Promise<ProviderAnswer> | undefined;
      const run = await runAgainst(stack, backend, {
        c1: (provider) => (first = Promise.resolve(provider({ documentId, keyHint: null }))),
        c2: async (provider) => {
          await first;
          return provider({ documentId, keyHint: null });
        },
      });
      expect(answer(run.results['c2'])).toEqual(answer(run.results['c1']));
    });
  });

  describe('the good backend under concurrent creation', () => {
    const orders = ['c1 c1 c2 c2', 'c1 c2 c1 c2', 'c1 c2 c2 c1', 'c2 c1 c1 c2', 'c2 c1 c2 c1', 'c2 c2 c1 c1'];
    it.each(orders)('statements in the order %s: each hint names one key, and the probe finds each browser’s key by its hint', async (order) => {
      const run = await race(stack, 'good', scripted(order.split(' ').map((caller) => `sql:${caller}#`)));
      const { c1, c2, forC1, forC2 } = raceAnswers(run);
      expect(forC1).toEqual(c1);
      expect(forC2).toEqual(c2);
      expect([...keysByHint([c1, c2, forC1, forC2]).values()].map((keys) => keys.size)).toEqual(c1.keyHint === c2.keyHint ? [1] : [1, 1]);
    });

    it('under 12 seeded random schedules too', async () => {
      for (let seed = 1; seed <= 12; seed++) {
        const { c1, c2, forC1, forC2 } = raceAnswers(await race(stack, 'good', seededRandom(seed), seed));
        expect({ seed, forC1, forC2 }).toEqual({ seed, forC1: c1, forC2: c2 });
      }
    });
  });

  describe('each buggy backend under the race: c1 reads, c2 reads, c1 writes, c2 writes', () => {
    it('check-then-insert: both INSERTs write v1, and v1 then answers c1’s key to everyone', async () => {
      const run = await race(stack, 'checkThenInsert', readsThenWrites());
      const { c1, c2, forC1, forC2 } = raceAnswers(run);
      const { c1Read, c2Read, c1Write, c2Write } = stack.race;
      expect(documentKeyStatements(run).slice(0, 4)).toEqual([
        `${c1Read} SELECT document_keys → done`,
        `${c2Read} SELECT document_keys → done`,
        `${c1Write} INSERT document_keys → done`,
        `${c2Write} INSERT document_keys → done`,
      ]);
      expect([c1.keyHint, c2.keyHint]).toEqual(['v1', 'v1']);
      expect(c2.key).not.toBe(c1.key);
      expect([forC1.key, forC2.key]).toEqual([c1.key, c1.key]);
      expect(keysByHint([c1, c2, forC1, forC2]).get('v1')?.size).toBe(2);
    });

    it('upsert: c2’s INSERT … ON CONFLICT replaces c1’s key under c1’s hint', async () => {
      const run = await race(stack, 'upsertReplacesKey', readsThenWrites());
      const { c1, c2, forC1 } = raceAnswers(run);
      const { c1Read, c2Read, c1Write, c2Write } = stack.race;
      expect(documentKeyStatements(run).slice(0, 4)).toEqual([
        `${c1Read} SELECT document_keys → done`,
        `${c2Read} SELECT document_keys → done`,
        `${c1Write} INSERT document_keys … ON CONFLICT → done`,
        `${c2Write} INSERT document_keys … ON CONFLICT → done`,
      ]);
      expect(c2.keyHint).toBe(c1.keyHint);
      expect(c2.key).not.toBe(c1.key);
      expect(forC1.key).toBe(c2.key);
    });

    it('newest-key lookup: both INSERTs make a key, and then both hints answer the newest one', async () => {
      const run = await race(stack, 'newestKeyLookup', readsThenWrites());
      const { c1, c2, forC1, forC2 } = raceAnswers(run);
      const { c1Write, c2Write } = stack.race;
      expect(documentKeyStatements(run).slice(2, 4)).toEqual([`${c1Write} INSERT document_keys → done`, `${c2Write} INSERT document_keys → done`]);
      expect(c2.keyHint).not.toBe(c1.keyHint);
      expect(c2.key).not.toBe(c1.key);
      // Which key is the newest depends on the two rows' created_at (here the same millisecond or not).
      expect(forC2.key).toBe(forC1.key);
      expect([c1.key, c2.key]).toContain(forC1.key);
    });

    it.skipIf(stack.pooled).each(['checkThenInsert', 'upsertReplacesKey', 'newestKeyLookup'] as const)('%s: nothing shows when c1 has made its key before c2 reads', async (backend) => {
      const run = await race(stack, backend, scripted(['sql:c1#', 'sql:c1#', 'sql:c2#']));
      const { c1, c2, forC1, forC2 } = raceAnswers(run);
      expect([c2, forC1, forC2]).toEqual([c1, c1, c1]);
    });

    it.runIf(stack.pooled)('knex-pglite’s one connection goes to the request that waited longest: c2 reads between c1’s read and write, whatever the scheduler prefers', async () => {
      const run = await race(stack, 'good', scripted(['sql:c1#', 'sql:c1#', 'sql:c1#', 'sql:c2#']));
      expect(run.records.map(describeStatement).slice(0, 4)).toEqual([
        'sql:c1#1 SELECT version() → done',
        `${stack.race.c1Read} SELECT document_keys → done`,
        `${stack.race.c2Read} SELECT document_keys → done`,
        `${stack.race.c1Write} INSERT document_keys → done`,
      ]);
    });
  });
});

// The raw-SQL stack as rtc-sim will run it: bundled and evaluated in the server sandbox. (The express-knex
// stack cannot be bundled yet: knex requires its other dialects' drivers.)
describe.each(['good-backend.ts', 'buggy-check-then-insert.ts', 'buggy-upsert-replaces-key.ts', 'buggy-newest-key-lookup.ts'])('pglite-raw-sql/%s in the server sandbox', (file) => {
  it('sets up its table, creates a key, answers it by its hint, 404s an unknown hint, and reports nothing', async () => {
    const { get, backendMachine } = await startInSandbox(engine, fileURLToPath(new URL(`../../examples/stacks/pglite-raw-sql/${file}`, import.meta.url)));
    const created = await get('/api/documents/d%201/key');
    expect(created.status).toBe(200);
    const issued = (await created.json()) as { key: string; keyHint: string };
    const again = await get(`/api/documents/d%201/key?keyHint=${encodeURIComponent(issued.keyHint)}`);
    expect(await again.json()).toEqual(issued);
    expect((await get('/api/documents/d%201/key?keyHint=zz')).status).toBe(404);
    expect((await get('/api/other')).status).toBe(404);
    expect([backendMachine.findings, backendMachine.problems, backendMachine.logs]).toEqual([[], [], []]);
  });
});
