import { describe, expect, it } from 'vitest';
import type { BackendEnv } from '../../src/backend/contract.ts';
import { noFaults } from '../../src/config/fault-plan.ts';
import { SessionDatabase } from '../../src/database/postgres/sessions.ts';
import { drain, setUp, summary } from './backend-node-support.ts';
import { runQueue } from './support.ts';

// The backend node's edges: what the events it schedules are called and whom they hold, what a retired or
// draining process ignores, a crashed process's leftovers, and where its statements say they come from on a
// real server's sessions.

const queued = (harness: ReturnType<typeof setUp>) => harness.world.queue.enabled().map((event) => `${event.key} [${event.resources.join(',')}] @${event.dueMs}`);

describe('the events a backend process schedules', () => {
  it('a restart after a crash, a sleep and a timer: named by the instance and held on it', async () => {
    const harness = setUp({ pins: { faults: { ...noFaults, phaseEndMs: 60_000 } } });
    harness.node.start();
    await drain(harness);
    const [first] = harness.starts;
    void first?.env.sleep(7);
    expect(queued(harness)).toEqual(['sleep:backend#1#1 [backend#1] @7']);
    await runQueue(harness.world);
    first?.machine.timers?.set(() => undefined, 3, false);
    expect(queued(harness)).toEqual(['timer:backend#1#1 [backend#1] @10']);
    harness.node.crash(500);
    // The crash withdrew the timer; its restart is the only event left.
    expect(queued(harness)).toEqual(['backend#1-start#2 [backend#1] @507']);
  });

  it('without a fault phase in its config, a crashed process starts again at once', async () => {
    const harness = setUp();
    // A config without a fault plan at all (not one with no faults: the swarm would draw one).
    Object.assign(harness.world, { config: { ...harness.world.config, faults: undefined } });
    harness.node.start();
    await drain(harness);
    harness.node.crash(5_000);
    expect(queued(harness)).toEqual(['backend#1-start#2 [backend#1] @0']);
  });

  it('a crash withdraws its timers: the queue does not run on to when they were due', async () => {
    const harness = setUp({ pins: { faults: { ...noFaults, phaseEndMs: 60_000 } } });
    harness.node.start();
    await drain(harness);
    harness.starts[0]?.machine.timers?.set(() => undefined, 50_000, false);
    harness.node.crash(0);
    await drain(harness);
    expect(harness.world.queue.nowMs).toBeLessThan(50_000);
  });

  it('a timer a crashed process’s leftover code sets after the crash never fires', async () => {
    const harness = setUp({ pins: { faults: { ...noFaults, phaseEndMs: 60_000 } } });
    harness.node.start();
    await drain(harness);
    const stale = harness.starts[0]?.machine.timers;
    harness.node.crash(1_000);
    const fired: string[] = [];
    stale?.set(() => fired.push('once'), 10, false);
    stale?.set(() => fired.push('every'), 10, true);
    await runQueue(harness.world, 5_000);
    expect(fired).toEqual([]);
    expect(harness.starts).toHaveLength(2);
  });
});

describe('what a draining or retired process ignores', () => {
  it('a crash while it drains loses nothing: the request it still serves finishes, then it retires', async () => {
    let release: (() => void) | undefined;
    const harness = setUp({ handler: () => new Promise<Response>((resolve) => (release = () => resolve(new Response('late')))), pins: { faults: { ...noFaults, phaseEndMs: 60_000 } } });
    harness.node.start();
    await drain(harness);
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    harness.node.drain();
    harness.node.crash(1_000);
    release?.();
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 200']);
    expect(harness.disconnects).toEqual(['backend#1#1']);
    expect(harness.node.inRotation).toBe(false);
  });

  it('a process a drain retired while it was down stays down when its restart comes', async () => {
    const harness = setUp({ pins: { faults: { ...noFaults, phaseEndMs: 60_000 } } });
    harness.node.start();
    await drain(harness);
    harness.node.crash(1_000);
    harness.node.drain();
    await runQueue(harness.world, 5_000);
    await drain(harness);
    expect(harness.starts).toHaveLength(1);
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused']);
  });
});

describe('a start that fails', () => {
  it('refuses the requests that waited for it', async () => {
    let fail: (() => void) | undefined;
    const harness = setUp({ start: () => new Promise((resolve) => (fail = () => resolve({ ok: false, problem: { kind: 'backend-contract', problem: 'create-threw', message: 'createBackend threw Error: no' } as never }))) });
    harness.node.start();
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    expect(summary(harness)).toEqual([]);
    fail?.();
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 connection-refused']);
  });
});

describe('a crash while it is down', () => {
  it('finds nothing more to kill: the process starts once, at the first restart, and then asks for no host turn', async () => {
    const harness = setUp({ pins: { faults: { ...noFaults, phaseEndMs: 60_000 } } });
    harness.node.start();
    await drain(harness);
    harness.node.crash(1_000);
    await runQueue(harness.world, 500);
    harness.node.crash(2_000);
    await runQueue(harness.world, 1_200);
    await drain(harness);
    expect(harness.starts).toHaveLength(2);
    expect(harness.node.hostTurn()).toBeUndefined();
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    expect(summary(harness)).toEqual(['c1 c1.1 200']);
    expect(harness.starts).toHaveLength(2);
  });
});

describe('statements on a real server’s sessions', () => {
  it('carry their request and the start of the process they come from; a crash disconnects that start', async () => {
    let env: BackendEnv | undefined;
    const harness = setUp({
      handler: async () => {
        await env?.db.query('SELECT 1');
        return new Response('ok');
      },
      pins: { faults: { ...noFaults, phaseEndMs: 60_000 } },
      database: (callers, disconnects) =>
        Object.assign(Object.create(SessionDatabase.prototype) as SessionDatabase, {
          submit: (caller: string, text: string, _values: unknown, _shape: unknown, from: { origin: string }) => {
            callers.push(`${caller} from ${from.origin}: ${text}`);
            return Promise.resolve({ rows: [], fields: [] });
          },
          disconnect: (origin: string) => disconnects.push(origin),
        }),
    });
    harness.node.start();
    env = harness.starts[0]?.env;
    await drain(harness);
    harness.send('c1', { id: 'c1.1' });
    await drain(harness);
    harness.node.crash(0);
    await drain(harness);
    // Each start has its own number; the crash itself took one, so the restart is the third.
    env = harness.starts[1]?.env;
    harness.send('c2', { id: 'c2.1' });
    await drain(harness);
    expect(harness.callers).toEqual(['c1.1 from backend#1#1: SELECT 1', 'c2.1 from backend#1#3: SELECT 1']);
    expect(harness.disconnects).toEqual(['backend#1#1']);
    // Its machine routes `pg` to those sessions; on PGlite's single session there is no such module.
    expect([...(harness.starts[0]?.machine.modules?.keys() ?? [])]).toContain('pg');
    const onPglite = setUp();
    onPglite.node.start();
    expect(onPglite.starts[0]?.machine.modules).toBeUndefined();
  });
});
