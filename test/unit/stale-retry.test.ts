import { describe, expect, it } from 'vitest';
import type { CreateProvider } from '../../src/providers/types.ts';
import { ProviderCaller } from '../../src/model/provider-caller.ts';
import { fakeWorld, run, runQueue, settle } from './support.ts';

describe('a retry belongs to its request', () => {
  it('a retry timer left from a dropped connection does not call the provider for the next connection', async () => {
    // c1 arrives at 0; noSession reaches it at 20 and its first provider call rejects (retry due at 1,020).
    // c1 disconnects at 30 and reconnects at 130; noSession at 150 starts a new request. The first request's
    // retry at 1,020 belongs to a connection that no longer exists: it must not call the provider.
    let calls = 0;
    const rejectsFirst: CreateProvider = () => async () => {
      calls++;
      if (calls === 1) throw new Error('the backend is briefly down');
      return { key: 'k', keyHint: 'h' };
    };
    const result = await run(rejectsFirst, {
      clients: 1,
      arrivalTimesMs: [0],
      retryBackoffMs: 1_000,
      retentionHorizonsMs: [0, 10],
      faults: { phaseEndMs: 2_000, events: [{ kind: 'disconnect', atMs: 30, client: 'c1', reconnectAfterMs: 100 }], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 },
    });
    const callTimes = (result.trace ?? []).filter((record) => record.kind === 'provider-call' && record.actor === 'c1').map((record) => record.timeMs);
    expect(callTimes).toEqual([20, 150]);
    expect(result.outcome.kind).toBe('pass');
  });

  it('each request keeps its own check: a newer request does not revive an older one', async () => {
    const world = fakeWorld({ retryBackoffMs: 100, providerAttemptsMax: 3, providerTimeoutMs: 1_000 });
    const callTimes: number[] = [];
    const caller = new ProviderCaller(world, 'c1', () => {
      callTimes.push(world.queue.nowMs);
      return Promise.reject(new Error('down'));
    });
    let firstWanted = true;
    const ends: string[] = [];
    caller.request('d1', null, () => ends.push('first answered'), () => ends.push('first gave up'), () => firstWanted);
    await settle(world); // the first call has rejected and its retry is scheduled
    firstWanted = false;
    caller.request('d1', 'h', () => ends.push('second answered'), () => ends.push('second gave up'), () => true);
    await runQueue(world);
    // Both first calls reject at 0. The first request's retry (due at 100) finds its own check false; only the
    // second request retries (at 100 and 300) and then gives up.
    expect(callTimes).toEqual([0, 0, 100, 300]);
    expect(ends).toEqual(['second gave up']);
  });
});
