import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/model/messages.ts';
import { drawLatency } from '../../src/config/swarm.ts';
import { connectionKey, Network } from '../../src/model/network.ts';
import { fakeWorld, runQueue } from './support.ts';

/** A network of the server and c1, c2 with a fixed 10 ms latency; arrivals are logged as "time to: type". */
function setUp() {
  const world = fakeWorld();
  const network = new Network(world);
  const arrivals: string[] = [];
  for (const id of ['server', 'c1', 'c2']) {
    const receive = (from: string, message: Message): void => {
      arrivals.push(`${world.queue.nowMs} ${from}→${id}: ${message.type}`);
    };
    // The server says which document a delivery touches, as the real one does; a client is its own resource.
    network.attach(id === 'server' ? { id, receive, resourceOf: (message) => ('documentId' in message ? `server:${message.documentId}` : id) } : { id, receive });
  }
  return { world, network, arrivals };
}

const ask = (documentId = 'd1'): Message => ({ type: 'requestSession', documentId });
const reply = (type: 'noSession' | 'sessionPending' = 'noSession'): Message => ({ type, documentId: 'd1' });

describe('network', () => {
  it('keys a connection by its two endpoints, whichever end asks', () => {
    expect(connectionKey('c1', 'server')).toBe(connectionKey('server', 'c1'));
    expect(connectionKey('c1', 'server')).not.toBe(connectionKey('c2', 'server'));
  });

  it('carries messages between any two endpoints, a partition of one connection holding no other', async () => {
    const { world, network, arrivals } = setUp();
    network.partition('c1', 'c2', 100);
    network.send('c1', 'c2', ask());
    network.send('c1', 'server', ask());
    await runQueue(world);
    expect(arrivals).toEqual(['10 c1→server: requestSession', '110 c1→c2: requestSession']);
    expect(world.records.map((record) => record.actor)).toEqual(['server', 'c2']);
  });

  it('delivers after the latency, records the delivery, and keys events per link', async () => {
    const { world, network, arrivals } = setUp();
    network.send('c1', 'server', ask('d7'));
    network.send('c1', 'server', ask('d7'));
    network.send('server', 'c2', reply());
    const first = world.queue.enabled().find((event) => event.key === "c1→server#1");
    expect(first).toMatchObject({ key: 'c1→server#1', actor: 'c1→server', resources: ['server:d7'], dueMs: 10 });
    await runQueue(world);
    expect(arrivals).toEqual(['10 c1→server: requestSession', '10 c1→server: requestSession', '10 server→c2: noSession']);
    expect(world.records).toEqual([
      { kind: 'deliver', actor: 'server', from: 'c1', message: ask('d7') },
      { kind: 'deliver', actor: 'server', from: 'c1', message: ask('d7') },
      { kind: 'deliver', actor: 'c2', from: 'server', message: reply() },
    ]);
    network.send('server', 'c2', reply());
    expect(world.queue.enabled()[0]).toMatchObject({ key: 'server→c2#2', actor: 'server→c2', resources: ['c2'] });
  });

  it('draws each latency from the network\'s own stream, and records deliveries when only they are wanted', async () => {
    const model = { minMs: 1, maxMs: 1_000, tailProbability: 0, tailMaxMs: 1_000 };
    const world = fakeWorld({ network: model });
    world.wanted = new Set(['deliver']);
    const network = new Network(world);
    network.send('c1', 'server', ask());
    network.send('c2', 'server', ask());
    const expected = fakeWorld().streams.get('network');
    expect(world.queue.enabled().map((event) => event.dueMs).sort((a, b) => a - b)).toEqual([drawLatency(model, expected), drawLatency(model, expected)].sort((a, b) => a - b));
    await runQueue(world);
    expect(world.records.map((record) => record.kind)).toEqual(['deliver', 'deliver']);
  });

  it('records nothing when deliveries are not wanted, and ignores unknown receivers', async () => {
    const { world, network, arrivals } = setUp();
    world.wanted = new Set();
    network.send('server', 'c9', reply());
    network.send('server', 'c1', reply());
    await runQueue(world);
    expect(world.records).toEqual([]);
    expect(arrivals).toEqual(['10 server→c1: noSession']);
  });

  it('a dropped connection loses what is in flight both ways, not on other connections', async () => {
    const { world, network, arrivals } = setUp();
    network.send('c1', 'server', ask());
    network.send('server', 'c1', reply());
    network.send('server', 'c2', reply());
    network.dropConnection('c1', 'server');
    await runQueue(world);
    expect(arrivals).toEqual(['10 server→c2: noSession']);
  });

  it('a partition holds both directions until it heals; the later heal wins', async () => {
    const { world, network, arrivals } = setUp();
    network.partition('c1', 'server', 100);
    network.partition('server', 'c1', 50);
    network.send('c1', 'server', ask());
    network.send('server', 'c1', reply());
    network.send('server', 'c2', reply());
    await runQueue(world);
    expect(arrivals).toEqual(['10 server→c2: noSession', '110 c1→server: requestSession', '110 server→c1: noSession']);
    network.partition('c2', 'server', 200);
    network.send('c2', 'server', ask());
    await runQueue(world);
    expect(arrivals.at(-1)).toBe('210 c2→server: requestSession');
    // Healed: at exactly its end a partition holds nothing.
    world.queue.nowMs = 200;
    network.send('server', 'c2', reply());
    await runQueue(world);
    expect(arrivals.at(-1)).toBe('210 server→c2: noSession');
  });

  it('a latency spike multiplies delays while it lasts, at most until one latency after it ends', async () => {
    const { world, network, arrivals } = setUp();
    network.spikeLatency(3, 1_000);
    network.send('c1', 'server', ask());
    await runQueue(world);
    world.queue.nowMs = 995;
    network.send('c2', 'server', ask());
    await runQueue(world);
    world.queue.nowMs = 1_000;
    network.send('server', 'c1', reply());
    await runQueue(world);
    world.queue.nowMs = 1_500;
    network.send('server', 'c2', reply());
    await runQueue(world);
    expect(arrivals).toEqual(['30 c1→server: requestSession', '1010 c2→server: requestSession', '1010 server→c1: noSession', '1510 server→c2: noSession']);
  });
});
