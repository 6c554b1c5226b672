import { describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../src/config/fault-plan.ts';
import type { TokenSource } from '../../src/model/auth/token-source.ts';
import type { TraceRecord } from '../../src/model/observations.ts';
import type { CreateProvider } from '../../src/providers/types.ts';
import { RandomStreams } from '../../src/kernel/random.ts';
import { jwtReconnectBackoffMs, reconnectBackoffMs } from '../../src/model/client.ts';
import { symbolicCrypto } from '../../src/model/crypto-symbolic.ts';
import { lines, ofKind, run, runQueue, settle, storeBacked } from './support.ts';
import { setUp } from './client-support.ts';

const auth = { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300 } as const;
const faultPlan = (events: readonly FaultEvent[], phaseEndMs = 10_000) => ({ faults: { phaseEndMs, events, keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 } });

/** The records of one client (states, deliveries to it, its provider calls). */
const of = (actor: string) => (record: TraceRecord) => record.actor === actor && ['state', 'deliver', 'provider-call', 'arrive'].includes(record.kind);

/** storeBacked, with c2's new keys taking 100 ms. */
const slowC2: CreateProvider = (env) => {
  const inner = storeBacked(env);
  return async (request) => {
    if (env.clientId === 'c2' && request.keyHint === null) await env.sleep(100);
    return inner(request);
  };
};

describe('client', () => {
  it('an announcement heard while still creating is remembered, and the rejected create goes straight to joining', async () => {
    const result = await run(slowC2, { clients: 2, arrivalTimesMs: [0, 20], retentionHorizonsMs: [0, 10] });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const hint = ofKind(result.trace, 'session')[0]?.keyHint ?? '';
    expect(lines(result.trace, of('c2'))).toEqual([
      '20 c2 arrive',
      '20 c2 requesting: waits for the server to answer requestSession',
      '40 c2 gets noSession from server',
      '40 c2 creating: waits for its provider to answer keyHint null',
      '40 c2 asks for a new key (attempt 1)',
      `65 c2 gets newSessionAvailable(keyHint "${hint}") from server`,
      '145 c2 create-sent: waits for the server to accept or reject createSession',
      '165 c2 gets createRejected from server',
      `165 c2 joining: waits for its provider to answer keyHint "${hint}"`,
      `165 c2 asks for hint ${hint} (attempt 1)`,
      `190 c2 gets sessionExists(keyHint "${hint}") from server`,
      // It already holds the key for that hint: it opens the session without asking again.
      `190 c2 joining: waits for its provider to answer keyHint "${hint}"`,
      '190 c2 collaborating: collaborating',
    ]);
    const collaborating = ofKind(result.trace, 'state').filter((record) => record.state === 'collaborating');
    expect(collaborating.map((record) => [record.actor, record.content])).toEqual([
      ['c1', 'initial content typed in c1'],
      ['c2', 'initial content typed in c1'],
    ]);
    expect(collaborating[0]?.key).toBe(collaborating[1]?.key);
    expect(ofKind(result.trace, 'state').find((record) => record.state === 'create-sent' && record.actor === 'c2')?.content).toBe('initial content typed in c2');
  });

  it('in the plain race, says what each step waits for, and seals with its own crypto stream', async () => {
    const result = await run(storeBacked, { clients: 2, arrivalTimesMs: [0, 0], retentionHorizonsMs: [0, 10] });
    expect(lines(result.trace, (record) => record.kind === 'state' && ['establishing', 'waiting'].includes(record.state))).toEqual([
      '45 c1 establishing: waits for newSessionAvailable for its own session',
      '45 c2 waiting: waits for newSessionAvailable (its create was rejected)',
    ]);
    const streams = new RandomStreams(1);
    const creates = ofKind(result.trace, 'deliver').flatMap((record) => (record.message.type === 'createSession' ? [`${record.from} ${record.message.session.salt}`] : []));
    expect(creates).toEqual(['c1', 'c2'].map((id) => {
      const stream = streams.get(`crypto:${id}`);
      stream.hex(32);
      return `${id} ${stream.hex(32)}`;
    }));
  });

  it('waits for a server that is down when it arrives, retrying every reconnect backoff', async () => {
    expect(reconnectBackoffMs).toBe(2_000);
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [10], retentionHorizonsMs: [0, 10], ...faultPlan([{ kind: 'server-restart', atMs: 0, downMs: 3_000 }], 5_000) });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(lines(result.trace, of('c1')).slice(0, 3)).toEqual([
      '10 c1 arrive',
      '10 c1 disconnected: waits for its reconnection (the server is down)',
      '4010 c1 requesting: waits for the server to answer requestSession',
    ]);
  });

  it('reports a key that does not open the session as an encryption failure', async () => {
    const liar: CreateProvider = (env) => {
      const inner = storeBacked(env);
      return async (request) => (request.keyHint !== null && env.clientId === 'c2' ? { key: 'wrong', keyHint: request.keyHint } : inner(request));
    };
    const result = await run(liar, { clients: 2, arrivalTimesMs: [0, 100] }, 1, ['agreement']);
    const hint = ofKind(result.trace, 'session')[0]?.keyHint ?? '';
    expect(lines(result.trace, (record) => record.kind === 'state' && record.actor === 'c2').at(-1)).toBe(
      `120 c2 failed: encryption: with the key its provider gave for hint "${hint}", the provider key does not unwrap the session key (AES-GCM authentication fails)`,
    );
    expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe('agreement');
  });

  it('a crash loses the provider instance: a new one is made on restart', async () => {
    const made: string[] = [];
    const counting: CreateProvider = (env) => {
      made.push(env.clientId);
      return storeBacked(env);
    };
    const result = await run(counting, { clients: 2, arrivalTimesMs: [0, 0], retentionHorizonsMs: [0, 10], ...faultPlan([{ kind: 'crash', atMs: 22, client: 'c2', restartAfterMs: 100 }, { kind: 'disconnect', atMs: 22, client: 'c1', reconnectAfterMs: 100 }], 1_000) });
    expect(result.outcome).toEqual({ kind: 'pass' });
    // Both reconnect; only the crashed browser loads its provider again (and the probes load theirs).
    expect(made).toEqual(['c1', 'c2', 'c2', 'probe-1', 'probe-2']);
  });

  it('a second disconnect while disconnected, and a crash while disconnected, change nothing', async () => {
    const result = await run(storeBacked, {
      clients: 1,
      arrivalTimesMs: [0],
      retentionHorizonsMs: [0, 10],
      ...faultPlan([
        { kind: 'disconnect', atMs: 5, client: 'c1', reconnectAfterMs: 100 },
        { kind: 'disconnect', atMs: 6, client: 'c1', reconnectAfterMs: 5_000 },
        { kind: 'crash', atMs: 7, client: 'c1', restartAfterMs: 5_000 },
      ], 1_000),
    });
    expect(lines(result.trace, (record) => record.kind === 'state' && record.actor === 'c1').slice(0, 3)).toEqual([
      '0 c1 requesting: waits for the server to answer requestSession',
      '5 c1 disconnected: waits for its reconnection (the connection dropped)',
      '105 c1 requesting: waits for the server to answer requestSession',
    ]);
    expect(result.outcome).toEqual({ kind: 'pass' });
  });

  it('a fault before arrival or after giving up changes nothing', async () => {
    const broken: CreateProvider = () => {
      throw new Error('nope');
    };
    const result = await run(broken, { clients: 1, arrivalTimesMs: [10], ...faultPlan([{ kind: 'disconnect', atMs: 5, client: 'c1', reconnectAfterMs: 1 }, { kind: 'crash', atMs: 20, client: 'c1', restartAfterMs: 1 }, { kind: 'disconnect', atMs: 30, client: 'c1', reconnectAfterMs: 1 }], 100) }, 1, ['single-session']);
    expect(lines(result.trace, (record) => record.kind === 'state')).toEqual(['10 c1 failed: its provider could not be created: createProvider(env) threw Error: nope']);
  });
});

describe('client: a release overtaken by its own create', () => {
  // c1's session goes pending and c1 drops before uploading; c2's createSession is held by a partition until
  // after the server released c1's session. On c2's one connection the server's startOver (sent at the
  // release) comes before its createAccepted (sent when the held create lands on the freed document).
  const world = (slowProvider: CreateProvider) =>
    run(slowProvider, {
      clients: 2,
      arrivalTimesMs: [0, 0],
      retentionHorizonsMs: [0, 10],
      ...faultPlan(
        [
          { kind: 'disconnect', atMs: 40, client: 'c1', reconnectAfterMs: 60_000 },
          { kind: 'partition', atMs: 50, client: 'c2', healAfterMs: 30_000 },
        ],
        10_000,
      ),
    });

  it('the client in create-sent lets its create be answered, becomes the owner, and everyone converges', async () => {
    const result = await world(slowC2);
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(lines(result.trace, (record) => record.actor === 'c2' && (record.kind === 'deliver' || record.kind === 'state'))).toEqual([
      '0 c2 requesting: waits for the server to answer requestSession',
      '20 c2 gets noSession from server',
      '20 c2 creating: waits for its provider to answer keyHint null',
      '125 c2 create-sent: waits for the server to accept or reject createSession',
      '30060 c2 gets startOver from server',
      '30070 c2 gets createAccepted from server',
      '30070 c2 establishing: waits for newSessionAvailable for its own session',
      '30090 c2 gets newSessionAvailable(keyHint "' + (ofKind(result.trace, 'session').at(-1)?.keyHint ?? '') + '") from server',
      '30090 c2 collaborating: collaborating',
    ]);
    expect(ofKind(result.trace, 'session').map((record) => `${record.status} ${record.owner}`)).toEqual(['pending c1', 'released c1', 'pending c2', 'established c2']);
  });
});

describe('client with JWT authentication', () => {
  it('a viewer waits for an editor\'s session and joins it', async () => {
    const result = await run(storeBacked, { clients: 2, arrivalTimesMs: [0, 100], retentionHorizonsMs: [0, 10], auth: { ...auth, viewers: ['c1'] } });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const hint = ofKind(result.trace, 'session')[0]?.keyHint ?? '';
    expect(lines(result.trace, (record) => record.kind === 'auth' || (record.actor === 'c1' && record.kind === 'state'))).toEqual([
      '0 c1 requesting: waits for the server to answer requestSession',
      '10 server admits c1 as viewer',
      '20 c1 waiting: waits for newSessionAvailable (a session is being established)',
      '110 server admits c2 as editor',
      `165 c1 joining: waits for its provider to answer keyHint "${hint}"`,
      `190 c1 joining: waits for its provider to answer keyHint "${hint}"`,
      '190 c1 collaborating: collaborating',
    ]);
  });

  it('a token provider that cannot be made fails the client', async () => {
    const tokens: TokenSource = { create: () => ({ ok: false, problem: 'no tokens here' }) };
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], auth }, 1, ['single-session'], tokens);
    expect(lines(result.trace, (record) => record.kind === 'state')).toEqual(['0 c1 failed: its token provider could not be created: no tokens here']);
    expect(ofKind(result.trace, 'provider-contract')).toMatchObject([{ actor: 'c1', problem: 'no tokens here' }]);
  });

  it('a token provider that fails is a jwt disconnect, retried after the jwt backoff', async () => {
    expect(jwtReconnectBackoffMs).toBe(5_000);
    const tokens: TokenSource = { create: () => ({ ok: true, provider: () => Promise.reject(new Error('denied')) }) };
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], auth, livenessBoundMs: 12_000 }, 1, ['liveness'], tokens);
    expect(lines(result.trace, (record) => record.kind === 'state')).toEqual([
      '0 c1 requesting: waits for the server to answer requestSession',
      '0 c1 disconnected: waits for its reconnection (rtc_server_disconnected reason "jwt": the token provider rejected: Error: denied)',
      '5000 c1 requesting: waits for the server to answer requestSession',
      '5000 c1 disconnected: waits for its reconnection (rtc_server_disconnected reason "jwt": the token provider rejected: Error: denied)',
      '10000 c1 requesting: waits for the server to answer requestSession',
      '10000 c1 disconnected: waits for its reconnection (rtc_server_disconnected reason "jwt": the token provider rejected: Error: denied)',
    ]);
  });

  it('a refused token is a jwt disconnect with the server\'s text', async () => {
    const tokens: TokenSource = { create: () => ({ ok: true, provider: async () => ({ token: 'not.a.jwt' }) }) };
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], auth, livenessBoundMs: 6_000 }, 1, ['single-session'], tokens);
    expect(lines(result.trace, of('c1')).slice(0, 4)).toEqual([
      '0 c1 arrive',
      '0 c1 requesting: waits for the server to answer requestSession',
      '20 c1 gets authFailed("A part was not correctly base64 encoded") from server',
      '20 c1 disconnected: waits for its reconnection (rtc_server_disconnected reason "jwt": A part was not correctly base64 encoded)',
    ]);
    expect(ofKind(result.trace, 'liveness-deadline')[0]?.clients).toEqual([
      { client: 'c1', state: 'disconnected', waitingFor: { kind: 'reconnection', cause: { kind: 'jwt', problem: 'A part was not correctly base64 encoded' } } },
    ]);
  });

  it('refreshes tokens while the race is on, and stops once it is over', async () => {
    const slow: CreateProvider = (env) => {
      const inner = storeBacked(env);
      return async (request) => {
        await env.sleep(3_300);
        return inner(request);
      };
    };
    const result = await run(slow, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 60_000], auth: { ...auth, tokenLifetimeSeconds: 2 } });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const refreshes = lines(result.trace, (record) => record.kind === 'deliver' && record.message.type === 'refreshToken');
    // Every 1.6 s (80 % of 2 s) until c1 collaborates at 3,365 ms; none in the minute of quiet after.
    expect(refreshes).toEqual(['1610 server gets refreshToken from c1', '3210 server gets refreshToken from c1']);
  });

  it('refreshes only the token of the current connection, and never for a client that gave up', async () => {
    const slow: CreateProvider = (env) => {
      const inner = storeBacked(env);
      return async (request) => {
        if (env.clientId === 'c2') return { key: 42 } as unknown as { key: string };
        await env.sleep(3_300);
        return inner(request);
      };
    };
    const result = await run(slow, { clients: 2, arrivalTimesMs: [0, 0], retentionHorizonsMs: [0, 10], auth: { ...auth, tokenLifetimeSeconds: 2 }, ...faultPlan([{ kind: 'disconnect', atMs: 1_000, client: 'c1', reconnectAfterMs: 100 }], 1_500) }, 1, ['single-session']);
    // c1's first token (fetched at 0) would be refreshed at 1,600, but its connection dropped at 1,000; the token
    // of its new connection (fetched at 1,100) is refreshed at 2,700 and 4,300. c2 gave up at 20 ms: never.
    expect(lines(result.trace, (record) => record.kind === 'deliver' && record.message.type === 'refreshToken')).toEqual(['2710 server gets refreshToken from c1', '4310 server gets refreshToken from c1']);
  });

  it('a client waiting for its token provider says so', async () => {
    const tokens: TokenSource = { create: () => ({ ok: true, provider: () => new Promise(() => undefined) }) };
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], auth, livenessBoundMs: 1_000 }, 1, ['liveness'], tokens);
    expect(ofKind(result.trace, 'liveness-deadline')[0]?.clients).toEqual([{ client: 'c1', state: 'requesting', waitingFor: { kind: 'token-provider' } }]);
  });
});

/** A rejected promise that is already handled, as host work that failed. */
function rejected(message: string): Promise<never> {
  const promise = Promise.reject(new Error(message));
  promise.catch(() => undefined);
  return promise;
}

describe('client, driven directly', () => {
  it('starts requesting, waiting for its arrival', () => {
    const { client } = setUp();
    expect([client.state, client.waitingFor]).toEqual(['requesting', { kind: 'arrival' }]);
    expect(client.initialContent).toBe('initial content typed in c1');
    expect(client.createdKey('x')).toBeUndefined();
  });

  it('counts itself settled once when collaborating, and unsettled again when it disconnects', async () => {
    const { world, client, settled, settledCalls, states } = setUp();
    client.arrive();
    await runQueue(world);
    expect(client.state).toBe('collaborating');
    expect([settled(), settledCalls()]).toEqual([1, 1]);
    expect(client.waitingFor).toEqual({ kind: 'nothing' });
    const hint = ofKind(world.records, 'session')[0]?.keyHint ?? '';
    expect(client.createdKey(hint)).toBe(`key-of-${hint}`);
    // Messages for a collaborating client are ignored.
    client.receive('server', { type: 'noSession', documentId: 'd1' });
    client.receive('server', { type: 'startOver', documentId: 'd1' });
    expect(client.state).toBe('collaborating');
    client.disconnect(100);
    expect([settled(), settledCalls()]).toEqual([0, 1]);
    client.receive('server', { type: 'noSession', documentId: 'd1' });
    expect(states().at(-1)).toBe('disconnected: waits for its reconnection (the connection dropped)');
    client.disconnect(100);
    client.reconnect();
    await runQueue(world);
    expect([settled(), settledCalls()]).toEqual([1, 2]);
    expect(states().filter((line) => line.startsWith('disconnected'))).toHaveLength(1);
  });

  it('starts over once for two startOvers in a row, and a stale noSession does not start a second create', async () => {
    const { world, client, states } = setUp();
    client.arrive();
    await runQueue(world);
    client.disconnect(0);
    client.reconnect();
    client.receive('server', { type: 'sessionPending', documentId: 'd1' });
    client.receive('server', { type: 'startOver', documentId: 'd1' });
    client.receive('server', { type: 'startOver', documentId: 'd1' });
    expect(states().filter((line) => line.startsWith('requesting')).length).toBe(3);
    client.receive('server', { type: 'noSession', documentId: 'd1' });
    client.receive('server', { type: 'noSession', documentId: 'd1' });
    await settle(world);
    expect(states().filter((line) => line.startsWith('creating')).length).toBe(2);
  });

  it('a failed client ignores messages, disconnects and crashes, and counts as settled', () => {
    const { client, states, settled, settledCalls } = setUp(() => {
      throw new Error('x');
    });
    client.arrive();
    client.receive('server', { type: 'noSession', documentId: 'd1' });
    client.disconnect(10);
    client.crash(10);
    expect(states()).toEqual(['failed: its provider could not be created: createProvider(env) threw Error: x']);
    expect([client.waitingFor, settled(), settledCalls()]).toEqual([{ kind: 'gave-up' }, 1, 1]);
  });

  it('ignores faults before it arrives, and a reconnect while connected', async () => {
    const { world, client, states } = setUp();
    client.disconnect(10);
    client.crash(10);
    client.reconnect();
    await runQueue(world);
    expect(states()).toEqual([]);
    client.arrive();
    client.reconnect();
    expect(states()).toEqual(['requesting: waits for the server to answer requestSession']);
  });

  it('a crash while disconnected loads a fresh provider on reconnecting, without a second disconnect', async () => {
    const made: number[] = [];
    const { world, client, states } = setUp((env) => {
      made.push(world.queue.nowMs);
      return storeBacked(env);
    });
    client.arrive();
    client.disconnect(50);
    client.crash(10);
    await runQueue(world);
    expect(made).toEqual([0, 50]);
    expect(states().filter((line) => line.startsWith('disconnected'))).toEqual(['disconnected: waits for its reconnection (the connection dropped)']);
    expect(client.state).toBe('collaborating');
  });

  it('an acceptance without a create, or an announcement of another hint while establishing, changes nothing', async () => {
    const { world, client, states } = setUp();
    client.arrive();
    client.receive('server', { type: 'createAccepted', documentId: 'd1' });
    expect(states()).toEqual(['requesting: waits for the server to answer requestSession']);
    await runQueue(world, 25);
    expect(client.state).toBe('create-sent');
    await runQueue(world, 45);
    expect(client.state).toBe('establishing');
    client.receive('server', { type: 'newSessionAvailable', documentId: 'd1', keyHint: 'another' });
    expect(client.state).toBe('establishing');
    await runQueue(world);
    expect(client.state).toBe('collaborating');
  });

  it('a waiting client told of a session fetches its metadata after getting the key', async () => {
    const { world, client } = setUp(() => async (request) => ({ key: 'k', keyHint: request.keyHint ?? 'h' }));
    client.arrive();
    client.receive('server', { type: 'sessionPending', documentId: 'd1' });
    client.receive('server', { type: 'newSessionAvailable', documentId: 'd1', keyHint: 'h' });
    expect([client.state, client.waitingFor]).toEqual(['joining', { kind: 'provider-answer', keyHint: 'h' }]);
    await settle(world);
    expect(client.waitingFor).toEqual({ kind: 'session-metadata' });
  });

  it('a sealing failure is an encryption failure; a sealing that ends after a disconnect or the run is dropped', async () => {
    const failing = setUp(storeBacked, { createSession: () => rejected('no entropy') });
    failing.client.arrive();
    await runQueue(failing.world);
    expect(failing.states().at(-1)).toBe('failed: encryption: sealing the new session failed: Error: no entropy');
    for (const end of ['disconnect', 'close'] as const) {
      // The connection drops (or the run ends) while the session is being sealed.
      const held = setUp(storeBacked, {
        createSession: (key, content, random) => {
          if (end === 'disconnect') held.client.disconnect(1_000_000);
          else held.world.closed = true;
          return symbolicCrypto.createSession(key, content, random);
        },
      });
      held.client.arrive();
      await runQueue(held.world, 25);
      expect(held.client.state).toBe(end === 'disconnect' ? 'disconnected' : 'creating');
      expect(held.world.records.filter((record) => record.kind === 'deliver' && record.message.type === 'createSession')).toEqual([]);
    }
  });

  it('an opening that fails outright is an encryption failure; one that ends after a disconnect or the run is dropped', async () => {
    const answer = () => async (request: { keyHint: string | null }) => ({ key: 'k', keyHint: request.keyHint ?? 'h' });
    const session = { keyHint: 'h', salt: 's', wrappedKey: { scheme: 'symbolic', wrappedUnder: 'k', sessionKey: 'sk' } } as const;
    const content = { scheme: 'symbolic', encryptedUnder: 'sk', iv: 'iv', text: 'text' } as const;
    const failing = setUp(answer, { open: () => rejected('broken') });
    failing.client.arrive();
    failing.client.receive('server', { type: 'sessionExists', documentId: 'd1', session, content });
    await settle(failing.world);
    expect(failing.states().at(-1)).toBe('failed: encryption: with the key its provider gave for hint "h", Error: broken');
    for (const end of ['disconnect', 'close'] as const) {
      const held = setUp(answer, {
        open: () => {
          if (end === 'disconnect') held.client.disconnect(1_000_000);
          else held.world.closed = true;
          return { ok: true, text: 'text' };
        },
      });
      held.client.arrive();
      held.client.receive('server', { type: 'sessionExists', documentId: 'd1', session, content });
      await settle(held.world);
      expect(held.client.state).toBe(end === 'disconnect' ? 'disconnected' : 'joining');
    }
  });

  it('records its arrival only when arrivals are wanted', () => {
    const { world, client } = setUp();
    world.wanted = new Set(['state']);
    client.arrive();
    expect(world.records.map((record) => record.kind)).toEqual(['state']);
    const wanted = setUp();
    wanted.world.wanted = new Set(['arrive']);
    wanted.client.arrive();
    expect(wanted.world.records.map((record) => record.kind)).toEqual(['arrive', 'state']);
  });
});
