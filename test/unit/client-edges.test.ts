import { describe, expect, it } from 'vitest';
import type { RtcMessage } from '../../src/model/messages.ts';
import { setUp } from './client-support.ts';
import { runQueue, settle } from './support.ts';

// A browser's edges, driven directly: a page outside a secure context, the messages only a client sends, what
// a collaborating client waits for, and how a provider that gives up fails it (as data, not only in words).

describe('a browser at its edges', () => {
  it('a page outside a secure context stops at arrival: the plugin needs SubtleCrypto', () => {
    const { client, states } = setUp(undefined, undefined, { origin: 'http://editor.example.com' });
    client.arrive();
    expect(client.state).toBe('failed');
    expect(states()).toEqual([expect.stringMatching(/^failed: /)]);
    expect(setUp(undefined, undefined, { origin: 'https://editor.example.com' }).client.state).toBe('requesting');
  });

  it('the messages a client only sends are ignored if they ever reach it; an unknown one is a programmer error', () => {
    const { client, states } = setUp();
    client.arrive();
    const before = states();
    for (const message of [
      { type: 'requestSession', documentId: 'd1' },
      { type: 'refreshToken', documentId: 'd1', token: 't' },
      { type: 'createSession', documentId: 'd1', keyHint: 'h', salt: 's', wrappedKey: 'w' },
      { type: 'uploadContent', documentId: 'd1', content: 'c' },
    ]) {
      client.receive('server', message as unknown as RtcMessage);
    }
    expect([client.state, states()]).toEqual(['requesting', before]);
    expect(() => client.receive('server', { type: 'bogus', documentId: 'd1' } as unknown as RtcMessage)).toThrow('unhandled message: {"type":"bogus","documentId":"d1"}');
  });

  it('a collaborating client waits for nothing', async () => {
    const { world, client } = setUp();
    client.arrive();
    await runQueue(world);
    expect([client.state, client.waitingFor]).toEqual(['collaborating', { kind: 'nothing' }]);
  });

  it('a provider that gives up fails its client with the reason, as a provider give-up', async () => {
    const { world, client } = setUp(() => async () => {
      throw new Error('the key service is down');
    });
    client.arrive();
    await runQueue(world);
    await settle(world);
    const failed = world.records.find((record) => record.kind === 'state' && record.state === 'failed');
    expect(failed).toMatchObject({ kind: 'state', actor: 'c1', state: 'failed', failure: { kind: 'provider-gave-up', reason: expect.stringContaining('the key service is down') } });
  });
});
