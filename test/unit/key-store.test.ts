import { describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../src/config/fault-plan.ts';
import { drawLatency, fixedLatency } from '../../src/config/swarm.ts';
import { keyStoreTimeoutMs, SimulatedKeyStore } from '../../src/model/key-store.ts';
import { fakeWorld, runQueue } from './support.ts';

function setUp(pins: Parameters<typeof fakeWorld>[0] = {}) {
  const world = fakeWorld(pins);
  const store = new SimulatedKeyStore(world, world.source.realm);
  const log = (): string[] => world.records.flatMap((record) => (record.kind === 'store' ? [`${record.actor} ${record.operation} ${record.key}${record.value === undefined ? '' : `=${record.value}`} → ${record.result}`] : []));
  return { world, store, c1: store.viewFor('c1'), c2: store.viewFor('c2'), log };
}

/** Settles a promise into a plain outcome, to assert on after the queue ran. */
function outcome<T>(promise: Promise<T>): { value?: T; error?: string } {
  const result: { value?: T; error?: string } = {};
  promise.then(
    (value) => {
      result.value = value;
    },
    (error: unknown) => {
      result.error = `${(error as Error).name}: ${(error as Error).message}`;
    },
  );
  return result;
}

const faults = (plan: Partial<FaultPlan>): FaultPlan => ({ phaseEndMs: 1_000, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0, ...plan });

describe('simulated key store', () => {
  it('applies each operation when it completes and records its result', async () => {
    const { world, c1, c2, log } = setUp();
    const missing = outcome(c1.get('a'));
    const set = outcome(c1.set('a', '1'));
    const first = outcome(c2.setIfAbsent('b', '2'));
    const second = outcome(c2.setIfAbsent('b', '3'));
    const read = outcome(c1.get('b'));
    const listed = outcome(c1.list(''));
    await runQueue(world);
    expect(world.queue.nowMs).toBe(5);
    expect(log()).toEqual([
      'c1 get a → undefined',
      'c1 set a=1 → ok',
      'c2 setIfAbsent b=2 → true',
      'c2 setIfAbsent b=3 → false',
      'c1 get b → "2"',
      'c1 list  → ["a","b"]',
    ]);
    expect([missing.value, set.value, first.value, second.value, read.value, listed.value]).toEqual([undefined, undefined, true, false, '2', ['a', 'b']]);
  });

  it('lists keys with the prefix only, sorted, without deleted ones; a deleted key may be set again if absent', async () => {
    const { world, c1, log } = setUp();
    for (const key of ['d1/z', 'd2/a', 'd1/b', 'd1/c']) void c1.set(key, 'v');
    void c1.delete('d1/c');
    const listed = outcome(c1.list('d1/'));
    const again = outcome(c1.setIfAbsent('d1/c', 'w'));
    await runQueue(world);
    expect(listed.value).toEqual(['d1/b', 'd1/z']);
    expect(again.value).toBe(true);
    expect(log().slice(4, 6)).toEqual(['c1 delete d1/c → ok', 'c1 list d1/ → ["d1/b","d1/z"]']);
  });

  it('schedules each operation as its own event, reads apart from the list lock', () => {
    const { world, c1, c2 } = setUp({ keyStore: fixedLatency(7) });
    void c1.get('a');
    void c1.set('a', 'x');
    void c2.list('p');
    expect(world.queue.enabled().map((event) => [event.key, event.actor, event.resources, event.dueMs])).toEqual([
      ['store:c1#1', 'store:c1', ['c1', 'store:a'], 7],
      ['store:c1#2', 'store:c1', ['c1', 'store:a', 'store:list'], 7],
      ['store:c2#1', 'store:c2', ['c2', 'store:p'], 7],
    ]);
  });

  it('records exactly what happened, with the value only for writes', async () => {
    const { world, c1 } = setUp();
    world.wanted = new Set(['store']);
    void c1.get('a');
    void c1.setIfAbsent('a', '1');
    void c1.delete('a');
    await runQueue(world);
    expect(world.records).toStrictEqual([
      { kind: 'store', actor: 'c1', operation: 'get', key: 'a', result: 'undefined' },
      { kind: 'store', actor: 'c1', operation: 'setIfAbsent', key: 'a', value: '1', result: 'true' },
      { kind: 'store', actor: 'c1', operation: 'delete', key: 'a', result: 'ok' },
    ]);
  });

  it('draws each latency from the key store\'s own stream', async () => {
    const model = { minMs: 1, maxMs: 1_000, tailProbability: 0, tailMaxMs: 1_000 };
    const { world, c1 } = setUp({ keyStore: model });
    void c1.get('a');
    void c1.get('b');
    const expected = setUp().world.streams.get('keyStore');
    expect(world.queue.enabled().map((event) => event.dueMs)).toEqual([drawLatency(model, expected), drawLatency(model, expected)]);
  });

  it('a scripted failure hits only the named client', async () => {
    const { world, c1, c2, log } = setUp({ faults: faults({ events: [{ kind: 'key-store-failure', client: 'c2', operationNumber: 1 }] }) });
    void c1.set('a', '1');
    void c2.set('b', '2');
    await runQueue(world);
    expect(log()).toEqual(['c1 set a=1 → ok', 'c2 set b=2 → FAILED (failure)']);
  });

  it('records nothing when store records are not wanted', async () => {
    const { world, c1 } = setUp();
    world.wanted = new Set();
    const set = outcome(c1.set('a', '1'));
    await runQueue(world);
    expect(world.records).toEqual([]);
    expect(set).toEqual({ value: undefined });
  });

  it('refuses arguments of the wrong type at once, naming the operation and argument', async () => {
    const { world, c1 } = setUp();
    const anyStore = c1 as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const results = [
      outcome(anyStore.get!(1)),
      outcome(anyStore.list!(null)),
      outcome(anyStore.set!('k', 2)),
      outcome(anyStore.setIfAbsent!('k', undefined)),
      outcome(anyStore.delete!(undefined)),
      outcome(anyStore.set!(undefined, 'v')),
    ];
    await Promise.resolve();
    await Promise.resolve();
    expect(results.map((result) => result.error)).toEqual([
      'TypeError: keyStore.get(key): key must be a string, got number',
      'TypeError: keyStore.list(prefix): prefix must be a string, got object',
      'TypeError: keyStore.set(key, value): value must be a string, got number',
      'TypeError: keyStore.setIfAbsent(key, value): value must be a string, got undefined',
      'TypeError: keyStore.delete(key): key must be a string, got undefined',
      'TypeError: keyStore.set(key): key must be a string, got undefined',
    ]);
    expect(world.queue.enabled()).toEqual([]);
    // A delete needs no value.
    const removed = outcome(c1.delete('k'));
    await runQueue(world);
    expect(removed).toEqual({ value: undefined });
  });

  it('refuses every operation once the run has ended', async () => {
    const { world, c1 } = setUp();
    world.closed = true;
    const result = outcome(c1.get('a'));
    await Promise.resolve();
    await Promise.resolve();
    expect(result.error).toBe('TypeError: the simulation run has ended');
    expect(world.queue.enabled()).toEqual([]);
  });

  it('fails a client\'s scripted n-th operation without applying it', async () => {
    const { world, c1, c2, log } = setUp({ faults: faults({ events: [{ kind: 'key-store-failure', client: 'c1', operationNumber: 2 }] }) });
    const first = outcome(c1.set('a', '1'));
    const second = outcome(c1.set('a', '2'));
    const other = outcome(c2.get('a'));
    await runQueue(world);
    const third = outcome(c1.get('a'));
    await runQueue(world);
    expect(log()).toEqual(['c1 set a=1 → ok', 'c1 set a=2 → FAILED (failure)', 'c2 get a → "1"', 'c1 get a → "1"']);
    expect([first.error, second.error, other.error, third.value]).toEqual([undefined, 'Error: key store: the operation failed (simulated fault)', undefined, '1']);
    expect(world.queue.nowMs).toBe(10);
  });

  it('draws failures and timeouts at their rates during the fault phase only', async () => {
    const failing = setUp({ faults: faults({ keyStoreFailureRate: 1 }) });
    const failed = outcome(failing.c1.set('a', '1'));
    await runQueue(failing.world);
    expect(failed.error).toBe('Error: key store: the operation failed (simulated fault)');
    expect(failing.world.queue.nowMs).toBe(5);
    failing.world.queue.nowMs = 999;
    void failing.c1.get('a');
    failing.world.queue.nowMs = 1_000;
    const late = outcome(failing.c1.set('a', '2'));
    await runQueue(failing.world);
    expect(failing.log()).toEqual(['c1 set a=1 → FAILED (failure)', 'c1 get a → FAILED (failure)', 'c1 set a=2 → ok']);
    expect(late.error).toBeUndefined();

    const slow = setUp({ faults: faults({ keyStoreTimeoutRate: 1 }) });
    const timedOut = outcome(slow.c1.set('a', '1'));
    await runQueue(slow.world);
    expect(timedOut.error).toBe('Error: key store: the operation timed out (simulated fault); it may or may not have been applied');
    expect(slow.world.queue.nowMs).toBe(keyStoreTimeoutMs);
    expect(keyStoreTimeoutMs).toBe(30_000);
    expect(slow.log()).toEqual(['c1 set a=1 → FAILED (timed out — not applied)']);
  });

  it('a timed-out operation is applied or not as its own stream decides, at the plan\'s rate, after the plan\'s timeout', async () => {
    const applied = setUp({ faults: faults({ keyStoreTimeoutRate: 1, keyStoreTimeoutMs: 2_000, keyStoreIndeterminateAppliedRate: 1 }) });
    const write = outcome(applied.c1.setIfAbsent('a', '1'));
    await runQueue(applied.world);
    expect(write.error).toContain('timed out');
    expect(applied.world.queue.nowMs).toBe(2_000);
    applied.world.queue.nowMs = 5_000;
    const read = outcome(applied.c2.get('a'));
    await runQueue(applied.world);
    expect(read.value).toBe('1');
    expect(applied.log()).toEqual(['c1 setIfAbsent a=1 → FAILED (timed out — applied)', 'c2 get a → "1"']);
    const record = applied.world.records.find((entry) => entry.kind === 'store');
    expect(record?.kind === 'store' ? record.indeterminate : undefined).toEqual({ kind: 'key-store-operation', cause: 'timed-out', applied: true });

    const half = setUp({ faults: faults({ keyStoreTimeoutRate: 1, keyStoreIndeterminateAppliedRate: 0.5 }) });
    const replay = setUp().world.streams.get('indeterminate:key-store-operation');
    const expected = Array.from({ length: 20 }, () => replay.next()).map((draw) => (draw < 0.5 ? 'FAILED (timed out — applied)' : 'FAILED (timed out — not applied)'));
    for (let index = 0; index < 20; index++) void half.c1.set(`k${index}`, 'v');
    await runQueue(half.world);
    expect(half.log().map((line) => line.split(' → ')[1])).toEqual(expected);
    expect(new Set(expected).size).toBe(2);
  });

  it('an operation of a crashed instance never leaves it, and one in flight when it crashed is decided like a timeout', async () => {
    for (const [rate, result] of [
      [undefined, 'FAILED (connection dropped — applied)'],
      [0, 'FAILED (connection dropped — not applied)'],
    ] as const) {
      const { world, store, c2, log } = setUp({ faults: faults({ ...(rate === undefined ? {} : { keyStoreIndeterminateAppliedRate: rate }) }) });
      let alive = true;
      const crashing = store.viewFor('c1', () => alive);
      const inFlight = outcome(crashing.set('a', '1'));
      alive = false;
      const never = outcome(crashing.set('b', '2'));
      await runQueue(world);
      const read = outcome(c2.get('a'));
      await runQueue(world);
      expect([inFlight, never]).toEqual([{}, {}]);
      expect(log()).toEqual([`c1 set a=1 → ${result}`, `c2 get a → ${rate === undefined ? '"1"' : 'undefined'}`]);
      expect(read.value).toBe(rate === undefined ? '1' : undefined);
    }
  });

  it('splits one draw between failure, timeout and success', async () => {
    const { world, c1, log } = setUp({ faults: faults({ keyStoreFailureRate: 0.3, keyStoreTimeoutRate: 0.3 }) });
    const replay = setUp().world.streams.get('keyStoreFaults');
    const expected = Array.from({ length: 30 }, () => replay.next()).map((draw) => (draw < 0.3 ? 'FAILED (failure)' : draw < 0.6 ? 'FAILED (timed out — not applied)' : 'ok'));
    for (let index = 0; index < 30; index++) void c1.set(`k${index}`, 'v');
    await runQueue(world);
    const results = new Map(log().map((line) => [line.split(' ')[2]?.split('=')[0], line.split(' → ')[1]]));
    expect(Array.from({ length: 30 }, (_, index) => results.get(`k${index}`))).toEqual(expected);
    expect(new Set(expected).size).toBe(3);
  });

  it('draws nothing when both rates are zero', async () => {
    const { world, c1 } = setUp({ faults: faults({}) });
    void c1.set('a', '1');
    await runQueue(world);
    const untouched = setUp().world.streams.get('keyStoreFaults').next();
    expect(world.streams.get('keyStoreFaults').next()).toBe(untouched);
  });

  it('with eventual consistency, reads see only writes older than the lag; writes stay linearizable', async () => {
    const { world, c1, c2 } = setUp({ keyStoreConsistency: { mode: 'eventual', lagMs: 100 } });
    void c1.set('a', '1');
    await runQueue(world);
    const early = outcome(c2.get('a'));
    const claimed = outcome(c2.setIfAbsent('a', 'x'));
    const listedEarly = outcome(c2.list(''));
    await runQueue(world);
    expect([early.value, claimed.value, listedEarly.value]).toEqual([undefined, false, []]);
    world.queue.nowMs = 100;
    void c1.set('a', '2');
    await runQueue(world);
    // The read completes at 110: the version written at 5 is visible, the one written at 105 is not yet.
    const later = outcome(c2.get('a'));
    await runQueue(world);
    expect(later.value).toBe('1');
    world.queue.nowMs = 200;
    const atEdge = outcome(c2.get('a'));
    await runQueue(world);
    // Read completes at 205: the write applied at 105 is visible from 205 on.
    expect(atEdge.value).toBe('2');
    const strong = setUp({ keyStoreConsistency: { mode: 'strong', lagMs: 100 } });
    void strong.c1.set('a', '1');
    await runQueue(strong.world);
    const fresh = outcome(strong.c2.get('a'));
    await runQueue(strong.world);
    expect(fresh.value).toBe('1');
  });

  it('failOperation records and rejects', async () => {
    const { world, store } = setUp();
    const deferred = world.source.realm.deferred<unknown>();
    const seen: string[] = [];
    store.failOperation(deferred, () => seen.push('recorded'), 'why');
    const result = outcome(deferred.promise);
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toEqual(['recorded']);
    expect(result.error).toBe('Error: why');
  });
});
