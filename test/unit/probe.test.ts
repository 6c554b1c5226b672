import { describe, expect, it } from 'vitest';
import { drawClock } from '../../src/model/clocks.ts';
import { instanceHooks, virtualTimeout, wakeAfter } from '../../src/model/instance-hooks.ts';
import { SimulatedKeyStore } from '../../src/model/key-store.ts';
import { runRetentionProbe, type Expectation } from '../../src/model/probe.ts';
import { sourceFromFactory } from '../../src/providers/source.ts';
import type { CreateProvider } from '../../src/providers/types.ts';
import { fakeWorld, runQueue } from './support.ts';

async function probe(createProvider: CreateProvider, expectations: readonly Expectation[]) {
  const world = fakeWorld({ providerAttemptsMax: 1 }, sourceFromFactory(createProvider));
  const store = new SimulatedKeyStore(world, world.source.realm);
  let done = 0;
  runRetentionProbe(world, store, { probeId: 'probe-1', horizonMs: 0, expectations }, () => done++);
  await runQueue(world);
  return { world, done, probes: world.records.filter((record) => record.kind === 'probe') };
}

const two: Expectation[] = [
  { documentId: 'd1', keyHint: 'h1', expectedKey: 'k1' },
  { documentId: 'd2', keyHint: 'h2', expectedKey: 'k2' },
];

describe('retention probe', () => {
  it('asks for every expected hint in turn with its own env, then is done once', async () => {
    const seen: string[] = [];
    const { done, probes } = await probe((env) => async (request) => {
      seen.push(`${env.clientId} ${request.documentId} ${request.keyHint}`);
      return { key: `key for ${request.keyHint}`, keyHint: request.keyHint ?? '' };
    }, two);
    expect(seen).toEqual(['probe-1 d1 h1', 'probe-1 d2 h2']);
    expect(done).toBe(1);
    expect(probes).toEqual([
      { kind: 'probe', actor: 'probe-1', horizonMs: 0, documentId: 'd1', keyHint: 'h1', expectedKey: 'k1', key: 'key for h1' },
      { kind: 'probe', actor: 'probe-1', horizonMs: 0, documentId: 'd2', keyHint: 'h2', expectedKey: 'k2', key: 'key for h2' },
    ]);
  });

  it('reports a failing provider, and a provider that cannot be made, for every expectation', async () => {
    const failing = await probe(() => () => Promise.reject(new Error('gone')), two.slice(0, 1));
    // A fresh browser keeps asking for the liveness bound before it calls the key lost.
    const boundS = failing.world.config.livenessBoundMs / 1000;
    expect(failing.probes).toEqual([{ kind: 'probe', actor: 'probe-1', horizonMs: 0, documentId: 'd1', keyHint: 'h1', expectedKey: 'k1', failure: expect.stringMatching(/^its provider failed \d+ times over \d+ s \(last: rejected: Error: gone\)$/) }]);
    const [, times, seconds] = /failed (\d+) times over (\d+) s/.exec((failing.probes[0] as { failure: string }).failure) ?? [];
    expect(Number(times)).toBeGreaterThan(1);
    expect(Number(seconds)).toBeGreaterThanOrEqual(boundS);
    expect(failing.world.queue.nowMs).toBeGreaterThanOrEqual(failing.world.config.livenessBoundMs);
    expect(failing.done).toBe(1);
    const broken = await probe(() => {
      throw new Error('no');
    }, two);
    expect(broken.probes.map((record) => (record.kind === 'probe' ? record.failure : ''))).toEqual(['createProvider(env) threw Error: no', 'createProvider(env) threw Error: no']);
    expect(broken.done).toBe(1);
  });

  it('gets the key from a provider that fails (times out) several times before it answers: slow is not lost', async () => {
    let calls = 0;
    const slow = await probe(() => async (request) => {
      calls++;
      if (calls <= 6) throw new DOMException('signal timed out', 'TimeoutError');
      return { key: `key for ${request.keyHint}` };
    }, two.slice(0, 1));
    expect(slow.probes).toEqual([{ kind: 'probe', actor: 'probe-1', horizonMs: 0, documentId: 'd1', keyHint: 'h1', expectedKey: 'k1', key: 'key for h1' }]);
    expect(calls).toBe(7);
  });

  it('has a clock of its own, drawn from its own stream', async () => {
    const clocks = { skewMsMax: 5_000, driftPpmMax: 0 };
    const world = fakeWorld({ providerAttemptsMax: 1, clocks }, sourceFromFactory((env) => async () => ({ key: String(env.now()) })));
    runRetentionProbe(world, new SimulatedKeyStore(world, world.source.realm), { probeId: 'probe-2', horizonMs: 0, expectations: two.slice(0, 1) }, () => undefined);
    world.queue.nowMs = 0;
    await runQueue(world);
    const expected = drawClock(world.config.epochMs, clocks, fakeWorld().streams.get('clock:probe-2'), 'probe-2').read(0);
    expect(world.records.filter((record) => record.kind === 'probe').map((record) => (record.kind === 'probe' ? record.key : ''))).toEqual([String(expected)]);
    expect(expected).not.toBe(world.config.epochMs);
  });

  it('its clock is born when it starts: reading the time then counts as observing the clock only when clocks drift', () => {
    const readsAtStart = (driftPpmMax: number) => {
      const world = fakeWorld({ providerAttemptsMax: 1, clocks: { skewMsMax: 0, driftPpmMax } }, sourceFromFactory(() => async () => ({ key: 'k' })));
      const before = world.queue.clockReads;
      runRetentionProbe(world, new SimulatedKeyStore(world, world.source.realm), { probeId: 'probe-3', horizonMs: 0, expectations: [] }, () => undefined);
      return world.queue.clockReads - before;
    };
    expect(readsAtStart(200) - readsAtStart(0)).toBe(1);
  });

  it('closes its page once done: a timer its module set keeps ticking while it asks, and stops after', async () => {
    const ticks: number[] = [];
    const base = sourceFromFactory((env) => async (request) => {
      await env.sleep(100);
      return { key: `key for ${request.keyHint}` };
    });
    const source = {
      ...base,
      create: (...args: Parameters<typeof base.create>) => {
        const [, hooks] = args;
        hooks.timers?.set(() => ticks.push(world.queue.nowMsUnobserved), 30, true);
        return base.create(...args);
      },
    };
    const world = fakeWorld({ providerAttemptsMax: 1 }, source);
    let doneAtMs = -1;
    runRetentionProbe(world, new SimulatedKeyStore(world, world.source.realm), { probeId: 'probe-4', horizonMs: 0, expectations: two.slice(0, 1) }, () => (doneAtMs = world.queue.nowMsUnobserved));
    await runQueue(world);
    expect(doneAtMs).toBeGreaterThan(90);
    expect(ticks.length).toBeGreaterThan(2);
    expect(ticks.every((tickMs) => tickMs <= doneAtMs)).toBe(true);
  });

  it('with nothing to check it is done at once', async () => {
    const { done, probes } = await probe(() => async () => ({ key: 'k' }), []);
    expect([done, probes.length]).toEqual([1, 0]);
  });
});

describe('instance hooks', () => {
  it('sleeps in virtual time, each sleep its own timer', async () => {
    const world = fakeWorld();
    const sleep = wakeAfter(world, 'c1');
    const woke: number[] = [];
    sleep(30, () => woke.push(world.queue.nowMs));
    sleep(10, () => woke.push(world.queue.nowMs));
    expect(world.queue.enabled().map((event) => [event.key, event.actor, event.resources])).toEqual([['sleep:c1#2', 'c1', ['c1']]]);
    await runQueue(world);
    expect(woke).toEqual([10, 30]);
  });

  it('a virtual timeout fires after the provider timeout unless cancelled', async () => {
    const world = fakeWorld({ providerTimeoutMs: 700 });
    const fired: number[] = [];
    virtualTimeout(world, 't1', 'c1')(() => fired.push(world.queue.nowMs));
    const cancel = virtualTimeout(world, 't2', 'c2')(() => fired.push(-1));
    expect(world.queue.enabled().map((event) => [event.key, event.actor, event.resources, event.dueMs])).toEqual([
      ['t1', 'c1', ['c1'], 700],
      ['t2', 'c2', ['c2'], 700],
    ]);
    cancel();
    await runQueue(world);
    expect(fired).toEqual([700]);
  });

  it('route a module instance\'s clock, randomness, console and findings to the simulation', () => {
    const world = fakeWorld();
    const clock = drawClock(1_000, { skewMsMax: 0, driftPpmMax: 0, skewsMs: { c1: 5 } }, world.streams.get('x'), 'c1');
    const hooks = instanceHooks(world, 'c1', clock, world.source.realm, () => true);
    world.queue.nowMs = 20;
    expect([hooks.clientId, hooks.clock(), hooks.elapsed()]).toEqual(['c1', 1_025, 20]);
    const expected = fakeWorld().streams.get('globals:c1');
    expect([hooks.random(), hooks.random()]).toEqual([expected.next(), expected.next()]);
    hooks.log('warn', 'careful');
    hooks.report({ clientId: 'c1', api: 'fetch', detail: 'the network' } as Parameters<typeof hooks.report>[0]);
    hooks.report({ api: 'setTimeout', detail: 'a timer' } as Parameters<typeof hooks.report>[0]);
    world.wanted = new Set(['nondeterminism']);
    hooks.log('info', 'unwanted');
    world.wanted = new Set(['console']);
    hooks.log('info', 'wanted');
    expect(world.records).toEqual([
      { kind: 'console', actor: 'c1', level: 'warn', text: 'careful' },
      { kind: 'nondeterminism', actor: 'c1', api: 'fetch', detail: 'the network' },
      { kind: 'nondeterminism', actor: 'world', api: 'setTimeout', detail: 'a timer' },
      { kind: 'console', actor: 'c1', level: 'info', text: 'wanted' },
    ]);
  });

  it('tell a module instance to report clock and Math.random reads unless the run routes them', () => {
    const clock = drawClock(1_000, undefined, fakeWorld().streams.get('x'), 'c1');
    expect(instanceHooks(fakeWorld(), 'c1', clock, fakeWorld().source.realm, () => true).timeAndRandom).toBe('report');
    expect(instanceHooks(fakeWorld({ timeAndRandom: 'report' }), 'c1', clock, fakeWorld().source.realm, () => true).timeAndRandom).toBe('report');
    expect(instanceHooks(fakeWorld({ timeAndRandom: 'route' }), 'c1', clock, fakeWorld().source.realm, () => true).timeAndRandom).toBe('route');
  });
});
