import { describe, expect, it } from 'vitest';
import type { BackendEnv } from '../../src/backend/contract.ts';
import type { StartedBackend } from '../../src/backend/load.ts';
import { noFaults } from '../../src/config/fault-plan.ts';
import { backendRecords, drain, hostTurn, setUp, summary } from './backend-node-support.ts';
import { runQueue, settle } from './support.ts';

// The backend process as a host, on a hand-built world: its lifecycle (starting, serving, crashed, draining,
// retired), what each browser sees in each, and the env and machine one start of it gets. Whole stacks in a
// world are test/backend/world.test.ts; these pin the node's own branches in milliseconds.

describe('the backend process as a host', () => {
  it('starts, then serves: requests that arrive while it starts wait and are served once it listens', async () => {
    const harness = setUp();
    expect(harness.node.address).toBe('backend#1');
    expect(harness.node.kind).toBe('backend');
    harness.node.start();
    harness.send('c1', { id: 'c1.1' });
    await runQueue(harness.world);
    expect(harness.answers).toEqual([]);
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 200']);
    const answer = harness.answers[0]?.answer;
    expect(answer?.type === 'http-response' ? JSON.parse(answer.body?.data ?? '') : undefined).toEqual({ path: '/api/c1.1', method: 'GET', body: null });
    expect(backendRecords(harness)).toEqual(['starting: the backend process starts: a fresh module instance, createBackend(env)', 'serving: the backend listens']);
    expect(harness.node.inRotation).toBe(true);
  });

  it('a POST body reaches the handler; a GET never carries one', async () => {
    const harness = setUp();
    harness.node.start();
    await drain(harness);
    harness.send('c2', { id: 'c2.1', method: 'POST', body: { encoding: 'utf8', data: '{"a":1}' }, headers: [['content-type', 'application/json']] });
    harness.send('c1', { id: 'c1.1', method: 'GET', body: { encoding: 'utf8', data: 'ignored' } });
    await drain(harness);
    const bodies = Object.fromEntries(harness.answers.map(({ answer }) => [answer.id, answer.type === 'http-response' ? (JSON.parse(answer.body?.data ?? '') as { body: unknown }).body : undefined]));
    expect(bodies).toEqual({ 'c2.1': '{"a":1}', 'c1.1': null });
  });

  it('a backend that cannot start breaks its contract: named, and the requests that waited are refused', async () => {
    const harness = setUp({ start: async () => ({ ok: false, problem: { kind: 'backend-contract', problem: 'create-threw', message: 'createBackend threw Error: no' } as never }) });
    harness.node.start();
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused']);
    expect(harness.world.records.filter((record) => record.kind === 'backend' && 'problem' in record)).toEqual([
      expect.objectContaining({ kind: 'backend', actor: 'backend#1', event: 'contract', problem: 'create-threw', detail: 'createBackend threw Error: no' }),
    ]);
  });

  it('a crash resets what it serves, refuses while down, closes its connections, and restarts after it has been down', async () => {
    let release: (() => void) | undefined;
    // Faults stop at 10 s: a process still down then starts at that moment, however long its crash.
    const harness = setUp({ handler: () => new Promise<Response>((resolve) => (release = () => resolve(new Response('late')))), pins: { faults: { ...noFaults, phaseEndMs: 10_000 } } });
    harness.node.start();
    await drain(harness);
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    const crashedAtMs = harness.world.queue.nowMs;
    harness.node.crash(500);
    await runQueue(harness.world, crashedAtMs + 100);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-reset']);
    expect(harness.disconnects).toEqual(['backend#1#1']);
    expect(harness.node.inRotation).toBe(true);
    release?.();
    harness.send('c2', { id: 'c2.1' });
    await runQueue(harness.world, crashedAtMs + 200);
    await hostTurn();
    expect(summary(harness)).toEqual(['c1 c1.1 connection-reset', 'c2 c2.1 connection-refused']);
    expect(harness.starts.length).toBe(1);
    await runQueue(harness.world, crashedAtMs + 499);
    expect(harness.starts.length).toBe(1);
    await runQueue(harness.world, crashedAtMs + 500);
    expect(harness.starts.length).toBe(2);
    harness.node.crash(60_000);
    await runQueue(harness.world, 10_000);
    expect(harness.starts.length).toBe(3);
    expect(backendRecords(harness).filter((line) => line.startsWith('starting'))).toHaveLength(3);
    // The crashed start's late answer does not count as the new start's host work.
    await drain(harness);
    expect(harness.node.hostTurn()).toBeUndefined();
  });

  it('a crash while starting resets the requests that waited for it', async () => {
    const harness = setUp({ start: () => new Promise(() => undefined), pins: { faults: { ...noFaults, phaseEndMs: 10_000 } } });
    harness.node.start();
    harness.send('c1', { id: 'c1.1' });
    await runQueue(harness.world, 15);
    harness.node.crash(100);
    await runQueue(harness.world, 50);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-reset']);
  });

  it('draining: waiting requests are refused, served ones finish, then it retires for good', async () => {
    let release: (() => void) | undefined;
    let calls = 0;
    const harness = setUp({ handler: () => (++calls === 1 ? new Promise<Response>((resolve) => (release = () => resolve(new Response('done')))) : Promise.resolve(new Response('x'))) });
    harness.node.start();
    await drain(harness);
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    harness.node.drain();
    expect(harness.node.inRotation).toBe(false);
    harness.send('c2', { id: 'c2.1' });
    await drain(harness);
    expect(summary(harness)).toEqual(['c2 c2.1 connection-refused']);
    expect(backendRecords(harness)).toContain('draining: a newer instance took its place: it finishes the requests it serves, then stops');
    expect(harness.disconnects).toEqual([]);
    release?.();
    await drain(harness);
    expect(summary(harness)).toEqual(['c2 c2.1 connection-refused', 'c1 c1.1 200']);
    expect(backendRecords(harness).at(-1)).toBe('retired: drained: the process stops');
    expect(harness.disconnects).toEqual(['backend#1#1']);
    harness.node.crash(10);
    harness.node.drain();
    expect(harness.disconnects).toEqual(['backend#1#1']);
  });

  it('drained while it is still starting, it retires at once and stays retired when its start finishes', async () => {
    let started: ((value: StartedBackend) => void) | undefined;
    const harness = setUp({ start: () => new Promise<StartedBackend>((resolve) => (started = resolve)) });
    harness.node.start();
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    harness.node.drain();
    started?.({ ok: true, handler: async () => new Response('late') });
    await drain(harness);
    harness.send('c2', { id: 'c2.1' });
    await drain(harness);
    expect(harness.node.inRotation).toBe(false);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused', 'c2 c2.1 connection-refused']);
    expect(backendRecords(harness).filter((line) => line.startsWith('serving'))).toEqual([]);
    expect(backendRecords(harness).at(-1)).toBe('retired: drained: the process stops');
  });

  it('a response lost on the way is a failure for its browser, once; a handler that rejects is a reset and a problem', async () => {
    let fail = false;
    const harness = setUp({ handler: async () => (fail ? Promise.reject(new Error('boom')) : new Response('ok', { status: 201, statusText: 'Made' })) });
    harness.node.start();
    await drain(harness);
    harness.losing.add('c1');
    harness.send('c1', { id: 'c1.1' });
    harness.send('c2', { id: 'c2.1' });
    await drain(harness);
    harness.send('c1', { id: 'c1.2' });
    await drain(harness);
    fail = true;
    harness.send('c2', { id: 'c2.2' });
    await drain(harness);
    expect(summary(harness).sort()).toEqual(['c1 c1.1 response-lost', 'c1 c1.2 201', 'c2 c2.1 201', 'c2 c2.2 connection-reset']);
    const made = harness.answers.find(({ answer }) => answer.id === 'c1.2')?.answer;
    expect(made?.type === 'http-response' ? made.statusText : undefined).toBe('Made');
    expect(harness.world.records.filter((record) => record.kind === 'backend' && 'problem' in record)).toEqual([
      expect.objectContaining({ event: 'problem', problem: 'handler-threw', detail: 'reading the response to c2.2 failed: Error: boom' }),
    ]);
    expect(harness.node.hostTurn()).toBeUndefined();
  });

  it('after the run has ended nothing more is sent', async () => {
    const harness = setUp();
    harness.node.start();
    await drain(harness);
    harness.send('c1', { id: 'c1.1' });
    await runQueue(harness.world);
    harness.world.closed = true;
    await drain(harness);
    harness.node.crash(10);
    expect(harness.answers).toEqual([]);
  });

  it('asks for host turns only while it awaits the host, and stops after three quiet ones', async () => {
    const harness = setUp({ start: () => new Promise(() => undefined) });
    expect(harness.node.hostTurn()).toBeUndefined();
    harness.node.start();
    const turns: (Promise<void> | undefined)[] = [];
    for (let turn = 0; turn < 6; turn++) turns.push(harness.node.hostTurn());
    // Nothing has happened in this world yet: three turns without progress, then the kernel may go on.
    expect(turns.map((turn) => turn !== undefined)).toEqual([true, true, true, false, false, false]);
    await Promise.all(turns);
  });

  it('ignores what is not an HTTP request, whatever state it is in', async () => {
    const harness = setUp();
    harness.node.receive('c1', { type: 'http-failure', id: 'x', reason: 'response-lost' });
    harness.node.start();
    await drain(harness);
    harness.node.receive('c1', { type: 'http-response', id: 'y', status: 200, statusText: '', headers: [], body: null });
    await drain(harness);
    expect(harness.answers).toEqual([]);
  });

  it('asks for no host turn once what it awaited has ended; a turn touches its realm', async () => {
    const harness = setUp();
    harness.node.start();
    const turn = harness.node.hostTurn();
    expect(turn).toBeDefined();
    await turn;
    expect(harness.node.realm.settle()).toBeDefined();
    await drain(harness);
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 200']);
    expect(harness.node.hostTurn()).toBeUndefined();
  });

  it('a HEAD request carries no body; a response without a body arrives without one', async () => {
    const harness = setUp({ handler: async (request) => (request.method === 'HEAD' ? new Response(null, { status: 204 }) : new Response('x')) });
    harness.node.start();
    await drain(harness);
    harness.send('c1', { id: 'c1.1', method: 'HEAD', body: { encoding: 'utf8', data: 'ignored' } });
    await drain(harness);
    expect(harness.answers.map(({ answer }) => (answer.type === 'http-response' ? [answer.status, answer.body] : answer.type))).toEqual([[204, null]]);
  });

  it('a drain while it starts refuses the requests that waited', async () => {
    const harness = setUp({ start: () => new Promise(() => undefined) });
    harness.node.start();
    harness.send('c1', { id: 'c1.1' });
    await runQueue(harness.world, 15);
    harness.node.drain();
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused']);
  });

  it('statements are attributed to the request being served, else to the process; a crashed start sends none', async () => {
    let env: BackendEnv | undefined;
    const harness = setUp({
      handler: async () => {
        await env?.db.query('SELECT 1');
        await env?.db.exec('SELECT 2');
        return new Response('ok');
      },
    });
    harness.node.start();
    env = harness.starts[0]?.env;
    await drain(harness);
    harness.send('c2', { id: 'c2.7' });
    await drain(harness);
    await env?.db.query('SELECT 3');
    await env?.db.close();
    expect(harness.callers).toEqual(['c2.7: SELECT 1', 'c2.7: SELECT 2', 'backend#1: SELECT 3']);
  });

  it('a process that crashes after the run ended sends no failure', async () => {
    const harness = setUp({ handler: () => new Promise<Response>(() => undefined) });
    harness.node.start();
    await drain(harness);
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    harness.world.closed = true;
    harness.node.crash(10);
    await drain(harness);
    expect(harness.answers).toEqual([]);
  });

  it('a request to a process that never started is refused; one that waited for a slow start is served when it listens', async () => {
    let listen: ((started: StartedBackend) => void) | undefined;
    const harness = setUp({ start: () => new Promise<StartedBackend>((resolve) => (listen = resolve)) });
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused']);
    harness.node.start();
    harness.send('c2', { id: 'c2.1' });
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused']);
    listen?.({ ok: true, handler: async () => new Response('late but served') });
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused', 'c2 c2.1 200']);
  });

  it('a start that ends after a drain refused its waiting requests serves none of them again', async () => {
    let listen: ((started: StartedBackend) => void) | undefined;
    const harness = setUp({ start: () => new Promise<StartedBackend>((resolve) => (listen = resolve)) });
    harness.node.start();
    harness.send('c2', { id: 'c2.1' });
    await drain(harness);
    harness.node.drain();
    listen?.({ ok: true, handler: async () => new Response('x') });
    await drain(harness);
    expect(summary(harness)).toEqual(['c2 c2.1 connection-refused']);
  });

  it('records its lifecycle and its console when the run wants them', async () => {
    const harness = setUp();
    harness.world.wanted = new Set(['backend', 'console']);
    harness.node.start();
    harness.starts[0]?.machine.log('log', 'heard');
    await drain(harness);
    expect(harness.world.records.map((record) => record.kind)).toEqual(['backend', 'console', 'backend']);
    expect(harness.starts[0]?.env.db.close()).toBeInstanceOf(Promise);
  });

  it('records its lifecycle and its console only when the run wants them', async () => {
    const harness = setUp();
    harness.world.wanted = new Set(['http-request']);
    harness.node.start();
    harness.starts[0]?.machine.log('log', 'quiet');
    await drain(harness);
    expect(harness.world.records).toEqual([]);
  });
});

describe('the env and the machine of one start', () => {
  it("reads the machine's clock and stream, and sleeps on virtual time (a bad duration rejects)", async () => {
    const harness = setUp();
    harness.node.start();
    const { env } = harness.starts[0] ?? {};
    expect(env?.now()).toBe(1_000_000);
    const draws = [env?.random(), env?.random()];
    expect(draws.every((draw) => typeof draw === 'number' && draw >= 0 && draw < 1)).toBe(true);
    expect(draws[0]).not.toBe(draws[1]);
    expect(env?.randomBytes(4)).toHaveLength(4);
    await expect(env?.sleep(-1)).rejects.toThrow('env.sleep(ms): ms must be a finite number ≥ 0, got -1');
    await expect(env?.sleep(Number.NaN)).rejects.toThrow(RangeError);
    await expect(env?.sleep('5' as unknown as number)).rejects.toThrow('got 5');
    let zero = false;
    void env?.sleep(0).then(() => (zero = true));
    await runQueue(harness.world, 0);
    await hostTurn();
    expect(zero).toBe(true);
    let woke = false;
    void env?.sleep(2.5).then(() => (woke = true));
    await runQueue(harness.world, 2);
    await hostTurn();
    expect(woke).toBe(false);
    await runQueue(harness.world, 3);
    await hostTurn();
    expect(woke).toBe(true);
    expect(harness.world.queue.nowMs).toBe(3);
  });

  it("a sleep of a process that crashed since never wakes; neither does its database's next statement", async () => {
    const harness = setUp();
    harness.node.start();
    const { env } = harness.starts[0] ?? {};
    let woke = false;
    void env?.sleep(5).then(() => (woke = true));
    harness.node.crash(1_000_000);
    let answered = false;
    void env?.db.query('SELECT 1').then(() => (answered = true), () => (answered = true));
    await runQueue(harness.world, 10);
    await hostTurn();
    expect([woke, answered]).toEqual([false, false]);
  });

  it("logs, findings and problems are the backend's records; the world's variables are in its environment", async () => {
    const harness = setUp();
    harness.node.start();
    const { machine } = harness.starts[0] ?? {};
    machine?.log('warn', 'careful');
    machine?.report?.({ api: 'fetch()', detail: 'refused' } as never);
    machine?.problem?.({ kind: 'backend-contract', problem: 'not-a-response', message: 'returned 42' } as never);
    expect(machine?.elapsed()).toBe(0);
    expect(machine?.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\//);
    expect(machine !== undefined && 'modules' in machine).toBe(false);
    let tracked: unknown;
    (machine?.hostWork as unknown as (work: Promise<unknown>, continuation: (outcome: unknown) => void) => void)(Promise.resolve(7), (outcome) => (tracked = outcome));
    await settle(harness.world);
    expect(tracked).toEqual({ ok: true, value: 7 });
    const records = harness.world.records.filter((record) => record.kind !== 'backend' || 'problem' in record);
    expect(records).toEqual([
      expect.objectContaining({ kind: 'console', actor: 'backend#1', level: 'warn', text: 'careful' }),
      expect.objectContaining({ kind: 'nondeterminism', actor: 'backend#1', api: 'fetch()', detail: 'refused', origin: 'backend' }),
      expect.objectContaining({ kind: 'backend', actor: 'backend#1', event: 'problem', problem: 'not-a-response', detail: 'returned 42' }),
    ]);
  });

  it('timers fire on virtual time, once or every period, and stop when cleared or when the process crashes', async () => {
    const harness = setUp();
    harness.node.start();
    const timers = harness.starts[0]?.machine.timers;
    const fired: string[] = [];
    const once = timers?.set(() => fired.push(`once@${harness.world.queue.nowMs}`), 10, false);
    const every = timers?.set(() => fired.push(`every@${harness.world.queue.nowMs}`), 4, true);
    const cleared = timers?.set(() => fired.push('cleared'), 1, false);
    expect([once, every, cleared]).toEqual([1, 2, 3]);
    timers?.clear(cleared ?? 0);
    timers?.clear(99);
    await runQueue(harness.world, 12);
    expect(fired).toEqual(['every@4', 'every@8', 'once@10', 'every@12']);
    timers?.clear(every ?? 0);
    await runQueue(harness.world, 30);
    expect(fired).toHaveLength(4);
    timers?.set(() => fired.push('after crash'), 5, true);
    harness.node.crash(1_000_000);
    await runQueue(harness.world, 60);
    expect(fired).toHaveLength(4);
  });
});
