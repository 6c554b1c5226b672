import { describe, expect, it } from 'vitest';
import { ProviderCaller, retryBackoffMsMax } from '../../src/model/provider-caller.ts';
import type { EncryptionProvider } from '../../src/providers/types.ts';
import { fakeWorld, runQueue, type FakeWorld } from './support.ts';

/** A caller for c1 whose provider answers from `script` (call number → what to do), and what it reported. */
function setUp(script: (call: number) => 'throw' | 'reject' | 'hang' | 'bad' | { key: string; keyHint?: string }, pins: Parameters<typeof fakeWorld>[0] = {}) {
  const world = fakeWorld({ retryBackoffMs: 100, providerAttemptsMax: 3, providerTimeoutMs: 1_000, ...pins });
  let calls = 0;
  const provider: EncryptionProvider = () => {
    const step = script(++calls);
    if (step === 'throw') throw new Error('sync boom');
    if (step === 'reject') return Promise.reject(new Error('async boom'));
    if (step === 'hang') return new Promise(() => undefined);
    if (step === 'bad') return Promise.resolve({ key: 42 } as unknown as { key: string });
    return Promise.resolve(step);
  };
  const caller = new ProviderCaller(world, 'c1', provider);
  const ends: string[] = [];
  const ask = (keyHint: string | null, stillWanted?: () => boolean): void =>
    caller.request('d1', keyHint, (answer) => ends.push(`${world.queue.nowMs} answer ${answer.key}/${answer.keyHint}`), (reason) => ends.push(`${world.queue.nowMs} gave up: ${reason}`), stillWanted);
  return { world, ask, ends, calls: () => calls };
}

const story = (world: FakeWorld): string[] =>
  world.records.map((record) => {
    switch (record.kind) {
      case 'provider-call':
        return `call ${record.documentId} ${String(record.keyHint)} attempt ${record.attempt}`;
      case 'provider-failure':
        return `failure ${record.documentId} ${String(record.requestedHint)} ${record.failure}: ${record.message}`;
      default:
        return JSON.stringify(record);
    }
  });

describe('ProviderCaller', () => {
  it('reports an answer with the hint asked for', async () => {
    const { world, ask, ends } = setUp(() => ({ key: 'k1', keyHint: 'h1' }));
    ask('h0');
    await runQueue(world);
    expect(ends).toEqual(['0 answer k1/h1']);
    expect(world.records).toEqual([
      { kind: 'provider-call', actor: 'c1', documentId: 'd1', keyHint: 'h0', attempt: 1 },
      { kind: 'provider-answer', actor: 'c1', documentId: 'd1', requestedHint: 'h0', key: 'k1', keyHint: 'h1', hintGiven: true },
    ]);
    // The timeout was cancelled: nothing is left to run.
    expect(world.queue.enabled()).toEqual([]);
  });

  it('records no call when calls are not wanted', async () => {
    const { world, ask } = setUp(() => ({ key: 'k1' }));
    world.wanted = new Set(['provider-answer']);
    const other = setUp(() => ({ key: 'k1' }));
    other.world.wanted = new Set(['provider-call']);
    other.ask(null);
    expect(other.world.records.map((record) => record.kind)).toEqual(['provider-call']);
    ask(null);
    await runQueue(world);
    expect(world.records).toEqual([{ kind: 'provider-answer', actor: 'c1', documentId: 'd1', requestedHint: null, key: 'k1', keyHint: '', hintGiven: false }]);
  });

  it('reports a contract breach at once, without retrying', async () => {
    const { world, ask, ends, calls } = setUp(() => 'bad');
    ask(null);
    await runQueue(world);
    expect(calls()).toBe(1);
    expect(ends).toEqual(['0 gave up: its provider broke the contract: key must be a string, got number']);
    expect(world.records.at(-1)).toEqual({ kind: 'provider-contract', actor: 'c1', problem: 'key must be a string, got number' });
  });

  it('retries failures with doubling backoff and gives up after the last attempt', async () => {
    const { world, ask, ends } = setUp((call) => (call === 1 ? 'throw' : call === 2 ? 'reject' : 'hang'));
    ask(null);
    await runQueue(world);
    expect(story(world)).toEqual([
      'call d1 null attempt 1',
      'failure d1 null threw: Error: sync boom',
      'call d1 null attempt 2',
      'failure d1 null rejected: Error: async boom',
      'call d1 null attempt 3',
      'failure d1 null timeout: the provider did not settle before the timeout',
    ]);
    // 100 ms after the first failure, 200 ms after the second, then a 1,000 ms timeout.
    expect(ends).toEqual(['1300 gave up: its provider failed 3 times (last: timeout: the provider did not settle before the timeout)']);
  });

  it('keys its timers per call, and times out after the configured time', async () => {
    const { world, ask } = setUp(() => 'hang');
    ask('h');
    expect(world.queue.enabled().map((event) => [event.key, event.actor, event.resources, event.dueMs])).toEqual([['timeout:c1#1', 'c1', ['c1'], 1_000]]);
    await runQueue(world, 1_000);
    expect(world.queue.enabled().map((event) => [event.key, event.actor, event.resources, event.dueMs])).toEqual([['retry:c1#1', 'c1', ['c1'], 1_100]]);
  });

  it('caps the backoff', async () => {
    const { world, ask, ends } = setUp((call) => (call < 4 ? 'throw' : { key: 'k' }), { retryBackoffMs: 20_000, providerAttemptsMax: 10 });
    ask(null);
    await runQueue(world);
    expect(retryBackoffMsMax).toBe(30_000);
    expect(ends).toEqual([`${20_000 + 30_000 + 30_000} answer k/`]);
  });

  it('never gives up during the fault phase, and counts attempts afresh after it', async () => {
    const faults = { phaseEndMs: 250, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 };
    const { world, ask, ends } = setUp(() => 'throw', { faults, providerAttemptsMax: 2 });
    ask(null);
    await runQueue(world);
    // Failures at 0, 100 and 200 fall in the fault phase: each retry is attempt 1 again. The failure at 300 is
    // the first one after the phase (retry as attempt 2 after 100 ms); the one at 400 reaches the limit.
    expect(story(world).filter((line) => line.startsWith('call'))).toEqual([
      'call d1 null attempt 1',
      'call d1 null attempt 1',
      'call d1 null attempt 1',
      'call d1 null attempt 1',
      'call d1 null attempt 2',
    ]);
    expect(ends).toEqual(['400 gave up: its provider failed 2 times (last: threw: Error: sync boom)']);
  });

  it('gives up exactly at the attempt limit, not before', async () => {
    const { world, ask, ends } = setUp((call) => (call < 3 ? 'throw' : { key: 'k' }));
    ask(null);
    await runQueue(world);
    expect(ends).toEqual(['300 answer k/']);
  });

  it('stops as soon as the request is no longer wanted', async () => {
    let wanted = true;
    const { world, ask, ends, calls } = setUp(() => 'throw');
    ask(null, () => wanted);
    await runQueue(world, 50);
    wanted = false;
    await runQueue(world);
    expect(calls()).toBe(1);
    expect(ends).toEqual([]);
    const quiet = setUp(() => ({ key: 'k' }));
    quiet.ask(null, () => false);
    await runQueue(quiet.world);
    expect([quiet.calls(), quiet.world.records.length, quiet.ends.length]).toEqual([0, 0, 0]);
  });

  it('drops an answer that arrives when the request is no longer wanted, or after the run', async () => {
    let wanted = true;
    const { world, ask, ends } = setUp(() => ({ key: 'k' }));
    ask(null, () => wanted);
    wanted = false;
    await runQueue(world);
    expect(ends).toEqual([]);
    expect(story(world)).toEqual(['call d1 null attempt 1']);
    const closed = setUp(() => ({ key: 'k' }));
    closed.ask(null);
    closed.world.closed = true;
    await runQueue(closed.world);
    expect(closed.ends).toEqual([]);
    expect(story(closed.world)).toEqual(['call d1 null attempt 1']);
  });
});
