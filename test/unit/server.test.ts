import { describe, expect, it } from 'vitest';
import { signTestToken } from '../../src/model/auth/test-keys.ts';
import { documentClaim, roleClaim } from '../../src/model/auth/verify-token.ts';
import { drawClock } from '../../src/model/clocks.ts';
import type { Message, SessionMetadata } from '../../src/model/messages.ts';
import type { Network } from '../../src/model/network.ts';
import { pendingSessionTimeoutMsDefault, Server } from '../../src/model/server.ts';
import { fakeWorld, runQueue, settle, type FakeWorld } from './support.ts';

const metadata = (keyHint: string): SessionMetadata => ({ keyHint, salt: 's', wrappedKey: { scheme: 'symbolic', wrappedUnder: 'k', sessionKey: 'sk' } });
const content = { scheme: 'symbolic', encryptedUnder: 'sk', iv: 'iv', text: 'hello' } as const;

/** A server on a network that only records what it is asked to send, as "to: type". */
function setUp(pins: Parameters<typeof fakeWorld>[0] = {}, skewMs = 0) {
  const world = fakeWorld(pins);
  const sent: { to: string; message: Message }[] = [];
  const network = { send: (_from: string, to: string, message: Message) => sent.push({ to, message }) } as unknown as Network;
  const clock = drawClock(world.config.epochMs, { skewMsMax: 0, driftPpmMax: 0, skewsMs: { server: skewMs } }, world.streams.get('clock:server'), 'server');
  const server = new Server(world, network, clock);
  const replies = (): string[] => sent.map(({ to, message }) => `${to}: ${message.type}`);
  const sessions = (): string[] => world.records.flatMap((record) => (record.kind === 'session' ? [`${record.documentId} ${record.status} ${record.owner} ${JSON.stringify(record.keyHint)}`] : []));
  return { world, server, sent, replies, sessions };
}

const request = (documentId = 'd1', token?: string): Message => (token === undefined ? { type: 'requestSession', documentId } : { type: 'requestSession', documentId, token });
const create = (keyHint = 'h1', documentId = 'd1'): Message => ({ type: 'createSession', documentId, session: metadata(keyHint) });
const upload = (documentId = 'd1'): Message => ({ type: 'uploadContent', documentId, content });

describe('server without authentication', () => {
  it('answers a request by the state of the document', () => {
    const { server, sent, replies } = setUp();
    server.receive('c1', request());
    server.receive('c1', create());
    server.receive('c2', request());
    server.receive('c1', upload());
    server.receive('c3', request());
    expect(replies()).toEqual(['c1: noSession', 'c1: createAccepted', 'c2: sessionPending', 'c1: newSessionAvailable', 'c2: newSessionAvailable', 'c3: sessionExists']);
    expect(sent[3]?.message).toEqual({ type: 'newSessionAvailable', documentId: 'd1', keyHint: 'h1' });
    expect(sent[5]?.message).toEqual({ type: 'sessionExists', documentId: 'd1', session: metadata('h1'), content });
  });

  it('accepts the first create, rejects later ones, and records the sessions', () => {
    const { server, replies, sessions } = setUp();
    server.receive('c1', create('h1'));
    server.receive('c2', create('h2'));
    server.receive('c2', upload());
    expect(server.established()).toEqual([]);
    server.receive('c1', upload());
    server.receive('c1', upload());
    server.receive('c2', create('h3'));
    expect(replies()).toEqual(['c1: createAccepted', 'c2: createRejected', 'c1: newSessionAvailable', 'c2: createRejected']);
    expect(sessions()).toEqual(['d1 pending c1 "h1"', 'd1 established c1 "h1"']);
    expect(server.established()).toEqual([{ documentId: 'd1', owner: 'c1', keyHint: 'h1' }]);
  });

  it('a creator rejected after a release still hears the announcement of the session that won', () => {
    const { server, replies } = setUp();
    server.receive('c1', create('h1'));
    server.receive('c2', request());
    server.onDisconnect('c1');
    server.releaseAbandonedSession('d1', 'c1');
    server.receive('c3', create('h3'));
    server.receive('c2', create('h2'));
    server.receive('c3', upload());
    expect(replies()).toEqual(['c1: createAccepted', 'c2: sessionPending', 'c2: startOver', 'c3: createAccepted', 'c2: createRejected', 'c2: newSessionAvailable', 'c3: newSessionAvailable']);
  });

  it('a release keeps the document\'s list: a create held past it hears the new session announced before its rejection', () => {
    const { server, replies, sent } = setUp();
    server.receive('c1', create('h1'));
    server.receive('c2', request());
    server.onDisconnect('c1');
    server.releaseAbandonedSession('d1', 'c1');
    server.receive('c3', create('h3'));
    server.receive('c3', upload());
    server.receive('c2', create('h2'));
    expect(replies()).toEqual(['c1: createAccepted', 'c2: sessionPending', 'c2: startOver', 'c3: createAccepted', 'c2: newSessionAvailable', 'c3: newSessionAvailable', 'c2: createRejected']);
    expect(sent[4]?.message).toEqual({ type: 'newSessionAvailable', documentId: 'd1', keyHint: 'h3' });
  });

  it('keeps documents apart and lists established sessions in the order documents were first seen', () => {
    const { server } = setUp();
    server.receive('c1', request('d2'));
    server.receive('c2', create('a', 'd1'));
    server.receive('c1', create('b', 'd2'));
    server.receive('c2', upload('d1'));
    expect(server.established()).toEqual([{ documentId: 'd1', owner: 'c2', keyHint: 'a' }]);
    server.receive('c1', upload('d2'));
    expect(server.established()).toEqual([
      { documentId: 'd2', owner: 'c1', keyHint: 'b' },
      { documentId: 'd1', owner: 'c2', keyHint: 'a' },
    ]);
  });

  it('ignores an upload without a pending session and messages it does not handle', () => {
    const { server, replies, sessions } = setUp();
    server.receive('c1', upload());
    server.receive('c1', { type: 'noSession', documentId: 'd1' });
    server.receive('c1', { type: 'refreshToken', documentId: 'd1', token: 'x' });
    // The messages only a server sends, should one ever reach it.
    for (const type of ['authFailed', 'sessionPending', 'createAccepted', 'createRejected', 'startOver'] as const) {
      server.receive('c1', { type, documentId: 'd1', message: 'm' } as Message);
    }
    server.receive('c1', { type: 'sessionExists', documentId: 'd1', session: metadata('h'), content });
    server.receive('c1', { type: 'newSessionAvailable', documentId: 'd1', keyHint: 'h' });
    expect(replies()).toEqual([]);
    expect(sessions()).toEqual([]);
    expect(() => server.receive('c1', { type: 'bogus', documentId: 'd1' } as unknown as Message)).toThrow('unhandled message: {"type":"bogus","documentId":"d1"}');
    expect(server.mayWrite('c1', 'd1')).toBe(true);
    expect(server.mustWaitForEditor('c1')).toBe(false);
  });

  it('is down for exactly the restart time, and ignores messages meanwhile', async () => {
    const { world, server, replies } = setUp();
    world.queue.nowMs = 100;
    server.restart(50);
    expect(server.isUp()).toBe(false);
    server.receive('c1', request());
    world.queue.nowMs = 149;
    expect(server.isUp()).toBe(false);
    world.queue.nowMs = 150;
    expect(server.isUp()).toBe(true);
    server.receive('c1', request());
    expect(replies()).toEqual(['c1: noSession']);
    await settle(world);
  });

  it('a restart forgets pending sessions and connections, not established ones', () => {
    const { server, replies, sessions } = setUp();
    server.receive('c1', create('a', 'd1'));
    server.receive('c1', upload('d1'));
    server.receive('c2', create('b', 'd2'));
    server.receive('c3', request('d2'));
    server.restart(0);
    expect(sessions()).toEqual(['d1 pending c1 "a"', 'd1 established c1 "a"', 'd2 pending c2 "b"', 'd2 released c2 ""']);
    // The pending creator's late upload no longer counts; a new create wins.
    server.receive('c2', upload('d2'));
    server.receive('c3', create('c', 'd2'));
    server.receive('c3', upload('d2'));
    expect(replies().slice(-2)).toEqual(['c3: createAccepted', 'c3: newSessionAvailable']);
    server.receive('c4', request('d1'));
    expect(replies().at(-1)).toBe('c4: sessionExists');
  });

  it('dropPendingSessions releases only pending sessions', () => {
    const { server, sessions } = setUp();
    server.receive('c1', create('a', 'd1'));
    server.receive('c1', upload('d1'));
    server.receive('c2', create('b', 'd2'));
    server.dropPendingSessions();
    expect(sessions().slice(2)).toEqual(['d2 pending c2 "b"', 'd2 released c2 ""']);
  });

  it('releases an abandoned creation after the default wait and tells the waiting clients to start over', async () => {
    const { world, server, replies, sessions } = setUp();
    server.receive('c1', create());
    server.receive('c2', request());
    server.receive('c3', request());
    server.onDisconnect('c3');
    server.onDisconnect('c1');
    await runQueue(world, pendingSessionTimeoutMsDefault - 1);
    expect(sessions()).toEqual(['d1 pending c1 "h1"']);
    await runQueue(world);
    expect(world.queue.nowMs).toBe(15_000);
    expect(sessions()).toEqual(['d1 pending c1 "h1"', 'd1 released c1 ""']);
    expect(replies()).toEqual(['c1: createAccepted', 'c2: sessionPending', 'c3: sessionPending', 'c2: startOver']);
    // Nobody is left connected: a new session is announced to no one but its creator.
    server.receive('c2', create('h2'));
    server.receive('c2', upload());
    expect(replies().slice(-2)).toEqual(['c2: createAccepted', 'c2: newSessionAvailable']);
  });

  it('schedules a release only for a pending session whose creator left, as a server event of that document', () => {
    const { world, server } = setUp();
    server.receive('c1', create('a', 'd1'));
    server.receive('c2', create('b', 'd2'));
    server.receive('c2', upload('d2'));
    server.receive('c3', request('d1'));
    world.queue.nowMs = 70;
    server.onDisconnect('c3');
    server.onDisconnect('c2');
    expect(world.queue.enabled()).toEqual([]);
    server.onDisconnect('c1');
    expect(world.queue.enabled().map((event) => [event.key, event.actor, event.resources, event.dueMs])).toEqual([['release:d1#c1@70', 'server', ['server:d1'], 15_070]]);
    expect(world.records.filter((record) => record.kind === 'session')[0]).toStrictEqual({ kind: 'session', actor: 'server', documentId: 'd1', status: 'pending', owner: 'c1', keyHint: 'a' });
    expect(world.records.filter((record) => record.kind === 'session')[2]).toStrictEqual({ kind: 'session', actor: 'server', documentId: 'd2', status: 'established', owner: 'c2', keyHint: 'b' });
    server.restart(0);
    expect(world.records.at(-1)).toStrictEqual({ kind: 'session', actor: 'server', documentId: 'd1', status: 'released', owner: 'c1', keyHint: '' });
  });

  it('waits the configured time, and releases nothing when the creator is not the one that left or the session moved on', async () => {
    const { world, server, sessions } = setUp({ pendingSessionTimeoutMs: 500 });
    server.receive('c1', create());
    server.onDisconnect('c2');
    server.onDisconnect('c1');
    await runQueue(world);
    expect(world.queue.nowMs).toBe(500);
    expect(sessions()).toEqual(['d1 pending c1 "h1"', 'd1 released c1 ""']);
    const other = setUp();
    other.server.receive('c1', create());
    other.server.onDisconnect('c1');
    other.server.receive('c1', upload());
    await runQueue(other.world);
    other.server.releaseAbandonedSession('d1', 'c1');
    other.server.releaseAbandonedSession('d9', 'c1');
    expect(other.sessions()).toEqual(['d1 pending c1 "h1"', 'd1 established c1 "h1"']);
    const third = setUp();
    third.server.receive('c1', create());
    third.server.releaseAbandonedSession('d1', 'c2');
    expect(third.sessions()).toEqual(['d1 pending c1 "h1"']);
  });
});

const auth = { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300 } as const;
const epochSeconds = Date.UTC(2026, 0, 1) / 1000;
const token = (claims: Record<string, unknown> = {}): Promise<string> => signTestToken({ sub: 'u', iat: epochSeconds, exp: epochSeconds + 300, ...claims });

describe('server with JWT authentication', () => {
  const authRecords = (world: FakeWorld) => world.records.filter((record) => record.kind === 'auth');

  it('refuses a missing token with the verifier\'s text and closes the connection', async () => {
    const { world, server, sent } = setUp({ auth });
    server.receive('c1', request());
    await settle(world);
    expect(authRecords(world)).toEqual([{ kind: 'auth', actor: 'server', client: 'c1', documentId: 'd1', ok: false, error: 'Not enough parts' }]);
    expect(sent).toEqual([{ to: 'c1', message: { type: 'authFailed', documentId: 'd1', message: 'Not enough parts' } }]);
  });

  it('admits a valid token, then serves requests without one on that connection for that document', async () => {
    const { world, server, replies } = setUp({ auth });
    server.receive('c1', request('d1', await token({ [documentClaim]: 'd1' })));
    await settle(world);
    expect(authRecords(world)).toEqual([{ kind: 'auth', actor: 'server', client: 'c1', documentId: 'd1', ok: true, role: 'editor', tokenDocument: 'd1' }]);
    expect(server.mayWrite('c1', 'd1')).toBe(true);
    expect(server.mayWrite('c1', 'd2')).toBe(false);
    expect(server.mayWrite('c2', 'd1')).toBe(false);
    server.receive('c1', request('d1'));
    await settle(world);
    expect(replies()).toEqual(['c1: noSession', 'c1: noSession']);
    // For another document a request without a token is verified again, and refused.
    server.receive('c1', request('d2'));
    await settle(world);
    expect(replies().at(-1)).toBe('c1: authFailed');
    expect(server.mayWrite('c1', 'd1')).toBe(false);
  });

  it('a token without a document claim admits every document and records no token document', async () => {
    const { world, server, replies } = setUp({ auth });
    server.receive('c1', request('d1', await token()));
    await settle(world);
    expect(authRecords(world)).toStrictEqual([{ kind: 'auth', actor: 'server', client: 'c1', documentId: 'd1', ok: true, role: 'editor' }]);
    server.receive('c1', request('d2'));
    await settle(world);
    expect(replies()).toEqual(['c1: noSession', 'c1: noSession']);
    expect(server.mayWrite('c1', 'd2')).toBe(true);
    server.receive('c1', create('h', 'd2'));
    expect(replies().at(-1)).toBe('c1: createAccepted');
  });

  it('a viewer waits instead of creating, and its creates and uploads are refused', async () => {
    const { world, server, replies, sessions } = setUp({ auth });
    server.receive('c1', request('d1', await token({ [roleClaim]: 'viewer' })));
    await settle(world);
    expect(server.mustWaitForEditor('c1')).toBe(true);
    expect(server.mayWrite('c1', 'd1')).toBe(false);
    server.receive('c1', create());
    server.receive('c1', upload());
    expect(replies()).toEqual(['c1: sessionPending', 'c1: createRejected']);
    expect(sessions()).toEqual([]);
  });

  it('an editor\'s create for a document it was not admitted to is rejected, and its upload ignored', async () => {
    const { world, server, replies, sessions } = setUp({ auth });
    server.receive('c2', request('d1', await token({ [documentClaim]: 'd1' })));
    await settle(world);
    server.receive('c2', create('h', 'd1'));
    server.receive('c1', create('h', 'd1'));
    server.receive('c2', upload('d1'));
    server.receive('c1', upload('d1'));
    expect(replies()).toEqual(['c2: noSession', 'c2: createAccepted', 'c1: createRejected', 'c2: newSessionAvailable']);
    expect(sessions()).toEqual(['d1 pending c2 "h"', 'd1 established c2 "h"']);
  });

  it('checks times on the server\'s own clock, and a refresh only re-admits', async () => {
    const ahead = setUp({ auth }, 400_000);
    ahead.server.receive('c1', request('d1', await token()));
    await settle(ahead.world);
    expect(ahead.replies()).toEqual(['c1: authFailed']);
    expect(authRecords(ahead.world)[0]).toMatchObject({ ok: false, error: 'JWT has expired' });
    const { world, server, replies } = setUp({ auth });
    server.receive('c1', { type: 'refreshToken', documentId: 'd1', token: await token() });
    await settle(world);
    expect(replies()).toEqual([]);
    expect(authRecords(world)).toHaveLength(1);
    expect(server.mayWrite('c1', 'd1')).toBe(true);
  });

  it('a refused token or a disconnect revokes an earlier admission; a restart revokes all', async () => {
    const { world, server } = setUp({ auth });
    server.receive('c1', request('d1', await token()));
    server.receive('c2', request('d1', await token()));
    await settle(world);
    server.receive('c1', { type: 'refreshToken', documentId: 'd1', token: 'bad' });
    server.onDisconnect('c2');
    await settle(world);
    expect(server.mayWrite('c1', 'd1')).toBe(false);
    expect(server.mayWrite('c2', 'd1')).toBe(false);
    server.receive('c3', request('d1', await token({ [roleClaim]: 'viewer' })));
    await settle(world);
    server.restart(0);
    expect(server.mustWaitForEditor('c3')).toBe(false);
  });

  it('ignores an upload from a creator whose token was refused since', async () => {
    const { world, server, sessions } = setUp({ auth });
    server.receive('c1', request('d1', await token()));
    await settle(world);
    server.receive('c1', create());
    server.receive('c1', { type: 'refreshToken', documentId: 'd1', token: 'bad' });
    await settle(world);
    server.receive('c1', upload());
    expect(sessions()).toEqual(['d1 pending c1 "h1"']);
  });

  it('ignores a verdict that arrives after the run ended', async () => {
    const { world, server, sent } = setUp({ auth });
    server.receive('c1', request());
    world.closed = true;
    await settle(world);
    expect(sent).toEqual([]);
    expect(world.records).toEqual([]);
  });
});
