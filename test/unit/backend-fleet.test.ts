import { describe, expect, it } from 'vitest';
import type { BackendSource } from '../../src/backend/load.ts';
import type { BalancerPolicy } from '../../src/config/run-config.ts';
import type { Host } from '../../src/config/registry.ts';
import { noFaults, type ClockSettings } from '../../src/config/fault-plan.ts';
import type { SimulatedDatabase } from '../../src/database/database.ts';
import { RandomStreams } from '../../src/kernel/random.ts';
import { BackendFleet, backendAddress } from '../../src/model/backend-fleet.ts';
import { drawClock } from '../../src/model/clocks.ts';
import type { HttpMessage } from '../../src/model/http-messages.ts';
import { SimulatedKeyStore } from '../../src/model/key-store.ts';
import type { NetworkMessage } from '../../src/model/messages.ts';
import { Network } from '../../src/model/network.ts';
import { createHostRealm } from '../../src/providers/realm.ts';
import { drain } from './backend-node-support.ts';
import { fakeWorld } from './support.ts';

// The load balancer and its instances on a hand-built world: addresses, the three policies, the lost-response
// fault shared by every instance, and rolling deploys (including a crash of the instances they touch). Whole
// stacks behind several instances are test/backend/instances.test.ts; these pin the fleet's own branches in
// milliseconds, for the mutation suite.

interface Harness {
  readonly world: ReturnType<typeof fakeWorld>;
  readonly fleet: BackendFleet;
  readonly registered: Host[];
  /** Each answer a browser got: `browser id from status|reason`. */
  readonly answers: string[];
  /** The wall-clock time each start of an instance read, in start order. */
  readonly startedAt: number[];
  send(from: string, id: string): void;
  routes(from: string, count: number): string[];
}

function setUp(options: { instances?: number; policy?: BalancerPolicy; phaseEndMs?: number; clocks?: ClockSettings; startMs?: number } = {}): Harness {
  const world = fakeWorld({ backendLatencyMs: undefined, faults: { ...noFaults, phaseEndMs: options.phaseEndMs ?? 0 }, ...(options.clocks === undefined ? {} : { clocks: options.clocks }) } as Parameters<typeof fakeWorld>[0]);
  const network = new Network(world);
  const answers: string[] = [];
  const startedAt: number[] = [];
  for (const browser of ['c1', 'c2', 'c3']) {
    network.attach(
      {
        id: browser,
        receive: (from: string, message: NetworkMessage) => {
          const answer = message as Extract<HttpMessage, { type: 'http-response' | 'http-failure' }>;
          answers.push(`${browser} ${answer.id} ${from} ${answer.type === 'http-response' ? answer.status : answer.reason}`);
        },
      },
      'http',
    );
  }
  const realm = Object.assign(createHostRealm(), { bytes: (length: number) => new Uint8Array(length) });
  const source: BackendSource = {
    label: '/app/backend.ts',
    realm,
    setup: async () => undefined,
    start: async (env) => {
      startedAt.push(env.now());
      if (options.startMs !== undefined) await env.sleep(options.startMs);
      return { ok: true, handler: async () => new Response('ok') };
    },
  };
  const database = { disconnect: () => undefined, submit: () => Promise.resolve({ rows: [] }) } as unknown as SimulatedDatabase;
  const registered: Host[] = [];
  const fleet = new BackendFleet({
    world,
    network,
    register: (host) => registered.push(host),
    source,
    database,
    keyStore: new SimulatedKeyStore(world, realm),
    instances: options.instances ?? 3,
    policy: options.policy ?? 'round-robin',
  });
  const send: Harness['send'] = (from, id) =>
    network.send(from, fleet.route(from), { type: 'http-request', id, method: 'GET', url: `https://app.example/api/${id}`, headers: [], body: null });
  const routes: Harness['routes'] = (from, count) => Array.from({ length: count }, () => fleet.route(from));
  return { world, fleet, registered, answers, startedAt, send, routes };
}

async function startAll(harness: Harness): Promise<void> {
  for (const instance of harness.fleet.instances) instance.start();
  await drain(harness);
}

const lifeEvents = (harness: Harness) =>
  harness.world.records.flatMap((record) => (record.kind === 'backend' && 'event' in record && record.event !== 'contract' && record.event !== 'problem' ? [`${record.actor} ${record.event}`] : []));

describe('instance addresses', () => {
  it('the only instance is `backend`; several are `backend#1`, `backend#2`, …', () => {
    expect(backendAddress(1, 1)).toBe('backend');
    expect(backendAddress(1, 3)).toBe('backend#1');
    expect(backendAddress(2, 3)).toBe('backend#2');
    expect(backendAddress(2, 1)).toBe('backend#2');
  });

  it('the balancer is a host of its own; each instance is registered, attached to the network and named by its address', async () => {
    const harness = setUp({ instances: 3 });
    expect([harness.fleet.address, harness.fleet.kind]).toEqual(['balancer', 'balancer']);
    expect(harness.fleet.addresses()).toEqual(['backend#1', 'backend#2', 'backend#3']);
    expect(harness.registered.map((host) => `${host.kind} ${host.address}`)).toEqual(['backend backend#1', 'backend backend#2', 'backend backend#3']);
    expect(setUp({ instances: 1 }).fleet.addresses()).toEqual(['backend']);
    await startAll(harness);
    harness.send('c1', 'c1.1');
    harness.send('c1', 'c1.2');
    await drain(harness);
    expect(harness.answers).toEqual(['c1 c1.1 backend#1 200', 'c1 c1.2 backend#2 200']);
  });

  it('each instance has its own skewed clock, drawn from a stream named by its address (`clock:backend` for the only one)', async () => {
    const clocks = { skewMsMax: 5_000, driftPpmMax: 0, skewsMs: { 'backend#2': 777 } };
    const readings = async (instances: number) => {
      const harness = setUp({ instances, clocks });
      await startAll(harness);
      return harness.startedAt;
    };
    const epochMs = setUp().world.config.epochMs;
    const expected = (address: string) => drawClock(epochMs, clocks, new RandomStreams(setUp().world.config.seed).once(`clock:${address}`), address).read(0);
    expect(await readings(1)).toEqual([expected('backend')]);
    const three = await readings(3);
    expect(three).toEqual([expected('backend#1'), epochMs + 777, expected('backend#3')]);
    expect(new Set(three).size).toBe(3);
  });
});

describe('the balancer’s policies', () => {
  it('round robin: each request to the next instance in turn, whoever sends it', () => {
    const harness = setUp({ policy: 'round-robin' });
    expect([...harness.routes('c1', 4), ...harness.routes('c2', 2)]).toEqual(['backend#1', 'backend#2', 'backend#3', 'backend#1', 'backend#2', 'backend#3']);
  });

  it('random: each request to an instance drawn from the balancer’s own stream', () => {
    const harness = setUp({ policy: 'random' });
    const expected = new RandomStreams(harness.world.config.seed).get('balancer');
    const drawn = Array.from({ length: 12 }, () => `backend#${expected.integer(0, 2) + 1}`);
    expect(harness.routes('c1', 12)).toEqual(drawn);
    expect(new Set(drawn).size).toBeGreaterThan(1);
  });

  it('sticky: a browser always reaches the same instance, chosen by a hash of its address', () => {
    const harness = setUp({ policy: 'sticky' });
    // 'c1' hashes to 99 × 31 + 49 = 3118 (≡ 1 mod 3), 'c2' to 3119, 'c3' to 3120.
    expect(harness.routes('c1', 3)).toEqual(['backend#2', 'backend#2', 'backend#2']);
    expect(harness.routes('c2', 2)).toEqual(['backend#3', 'backend#3']);
    expect(harness.routes('c3', 2)).toEqual(['backend#1', 'backend#1']);
    // Longer addresses: every character counts, in order.
    expect(harness.routes('probe-9', 1)).toEqual([`backend#${(hash('probe-9') % 3) + 1}`]);
    expect(harness.routes('9-eborp', 1)).toEqual([`backend#${(hash('9-eborp') % 3) + 1}`]);
    expect(hash('probe-9') % 3).not.toBe(hash('9-eborp') % 3);
  });

  it('a policy it does not know is a programmer error, not a route', () => {
    expect(() => setUp({ policy: 'least-connections' as BalancerPolicy }).fleet.route('c1')).toThrow('unhandled balancer policy: "least-connections"');
  });
});

function hash(address: string): number {
  return [...address].reduce((sum, character) => (sum * 31 + character.charCodeAt(0)) >>> 0, 0);
}

describe('faults the fleet shares', () => {
  it('a lost response: the next answer any instance sends that browser is lost, once, and no other browser’s', async () => {
    const harness = setUp({ policy: 'round-robin' });
    await startAll(harness);
    harness.fleet.loseNextResponse('c1');
    harness.send('c2', 'c2.1');
    harness.send('c1', 'c1.1');
    harness.send('c1', 'c1.2');
    await drain(harness);
    expect(harness.answers).toEqual(['c2 c2.1 backend#1 200', 'c1 c1.1 backend#2 response-lost', 'c1 c1.2 backend#3 200']);
  });
});

describe('rolling deploys', () => {
  it('replaces the instances one at a time: each new one takes its place once it listens, the old one drains and retires', async () => {
    const harness = setUp({ instances: 2 });
    await startAll(harness);
    harness.fleet.rollingDeploy();
    // A second deploy while one runs is ignored.
    harness.fleet.rollingDeploy();
    await drain(harness);
    expect(harness.fleet.addresses()).toEqual(['backend#1', 'backend#2', 'backend#3', 'backend#4']);
    expect(lifeEvents(harness).slice(4)).toEqual([
      'backend#3 starting',
      'backend#3 serving',
      'backend#1 draining',
      'backend#1 retired',
      'backend#4 starting',
      'backend#4 serving',
      'backend#2 draining',
      'backend#2 retired',
    ]);
    expect(harness.routes('c1', 3)).toEqual(['backend#3', 'backend#4', 'backend#3']);
    expect(harness.registered.map((host) => host.address)).toEqual(['backend#1', 'backend#2', 'backend#3', 'backend#4']);
    // Once it has ended, the next deploy runs.
    harness.fleet.rollingDeploy();
    await drain(harness);
    expect(harness.fleet.addresses()).toEqual(['backend#1', 'backend#2', 'backend#3', 'backend#4', 'backend#5', 'backend#6']);
    // The turn goes on from where it was: the third request since the first deploy.
    expect(harness.routes('c1', 2)).toEqual(['backend#6', 'backend#5']);
  });

  it('an old instance keeps serving until its replacement listens: requests meanwhile still reach it', async () => {
    const harness = setUp({ instances: 1, startMs: 1_000 });
    await startAll(harness);
    harness.fleet.rollingDeploy();
    harness.send('c1', 'c1.1');
    await drain(harness);
    expect(harness.answers).toEqual(['c1 c1.1 backend 200']);
    expect(lifeEvents(harness)).toEqual(['backend starting', 'backend serving', 'backend#2 starting', 'backend#2 serving', 'backend draining', 'backend retired']);
    expect(harness.routes('c1', 2)).toEqual(['backend#2', 'backend#2']);
  });

  it('a new instance that crashes and restarts after taking its place does not replace anything twice', async () => {
    const harness = setUp({ instances: 2, phaseEndMs: 60_000 });
    await startAll(harness);
    harness.fleet.rollingDeploy();
    await drain(harness);
    const [, , third] = harness.fleet.instances;
    third?.crash(1_000);
    await drain(harness);
    expect(harness.fleet.addresses()).toEqual(['backend#1', 'backend#2', 'backend#3', 'backend#4']);
    expect(lifeEvents(harness).filter((event) => event.startsWith('backend#3'))).toEqual(['backend#3 starting', 'backend#3 serving', 'backend#3 starting', 'backend#3 serving']);
    expect(harness.routes('c1', 2)).toEqual(['backend#3', 'backend#4']);
  });

  it('a crashed instance that a deploy replaces stays retired: its pending restart does not bring it back', async () => {
    const harness = setUp({ instances: 1, phaseEndMs: 60_000 });
    await startAll(harness);
    const [first] = harness.fleet.instances;
    first?.crash(5_000);
    harness.fleet.rollingDeploy();
    await drain(harness);
    expect(lifeEvents(harness)).toEqual(['backend starting', 'backend serving', 'backend#2 starting', 'backend#2 serving', 'backend draining', 'backend retired']);
    expect(first?.inRotation).toBe(false);
  });
});
