import type { TraceRecord } from '../../src/model/observations.ts';
import type { CreateProvider } from '../../src/providers/types.ts';
import { Client } from '../../src/model/client.ts';
import { drawClock } from '../../src/model/clocks.ts';
import type { CryptoScheme } from '../../src/model/crypto.ts';
import { SimulatedKeyStore } from '../../src/model/key-store.ts';
import { Network } from '../../src/model/network.ts';
import { Server } from '../../src/model/server.ts';
import type { RunConfig } from '../../src/config/run-config.ts';
import { sourceFromFactory } from '../../src/providers/source.ts';
import { fakeWorld, lines, storeBacked } from './support.ts';

// One browser driven directly, for the client's unit tests: messages, faults and crypto by hand.

/** One client c1 for d1 in a hand-made world whose crypto can be held back, with what it told the world. */
export function setUp(createProvider: CreateProvider = storeBacked, crypto?: Partial<CryptoScheme>, pins: Partial<Omit<RunConfig, 'seed'>> = {}) {
  const world = fakeWorld(pins, sourceFromFactory(createProvider));
  const withCrypto = crypto === undefined ? world : Object.assign(world, { crypto: { ...world.crypto, ...crypto } });
  const network = new Network(withCrypto);
  const server = new Server(withCrypto, network, drawClock(0, undefined, world.streams.get('clock:server'), 'server'));
  network.attach(server);
  let settled = 0;
  let settledCalls = 0;
  const client = new Client('c1', 'd1', {
    world: withCrypto,
    network,
    server,
    keyStore: new SimulatedKeyStore(withCrypto, world.source.realm),
    clock: drawClock(0, undefined, world.streams.get('clock:c1'), 'c1'),
    roster: { onSettled: () => settledCalls++, settledChange: (delta) => (settled += delta), isRaceOver: () => false },
  });
  network.attach(client);
  const states = (): string[] => lines(world.records as TraceRecord[], (record) => record.kind === 'state').map((line) => line.replace(/^undefined c1 /, ''));
  return { world, client, server, states, settled: () => settled, settledCalls: () => settledCalls };
}
