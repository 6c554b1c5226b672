import type { RunConfig } from '../config/run-config.ts';
import { EventQueue } from '../kernel/event-queue.ts';
import { RandomStreams } from '../kernel/random.ts';
import type { ProviderSource } from '../providers/source.ts';
import { Client } from './client.ts';
import { SimulatedKeyStore } from './key-store.ts';
import { Network } from './network.ts';
import type { Observation } from './observations.ts';
import { runRetentionProbe, type Expectation } from './probe.ts';
import { Server } from './server.ts';
import type { WorldContext } from './world-context.ts';

/**
 * N clients, a server, a network and a key store, wired for one run. Phases: the race (arrivals until every
 * client is collaborating or has given up, bounded by the liveness deadline), then a retention probe at once,
 * then a quiet period of hours, then a second probe; then the world is done.
 */
export class World implements WorldContext {
  readonly queue = new EventQueue();
  readonly streams: RandomStreams;
  readonly clients: Client[] = [];
  readonly server: Server;
  closed = false;
  /** True when every phase has run: the run ends without a violation. */
  done = false;
  private readonly network: Network;
  private readonly keyStore: SimulatedKeyStore;
  private deadline: ReturnType<EventQueue['timer']> | undefined;
  private raceOver = false;

  constructor(
    readonly config: RunConfig,
    readonly source: ProviderSource,
    readonly emit: (observation: Observation) => void,
  ) {
    this.streams = new RandomStreams(config.seed);
    this.network = new Network(this);
    this.keyStore = new SimulatedKeyStore(this, source.realm);
    this.server = new Server(this, this.network);
    this.network.attach(this.server);
  }

  /** Schedules the arrivals and the liveness deadline. */
  start(): void {
    const { config } = this;
    const arrivals = this.streams.get('arrivals');
    let previousMs = 0;
    let lastMs = 0;
    for (let index = 0; index < config.clients; index++) {
      const client = new Client(`c${index + 1}`, `d${(index % config.documents) + 1}`, {
        world: this,
        network: this.network,
        keyStore: this.keyStore,
        onSettled: () => this.onClientSettled(),
      });
      this.clients.push(client);
      this.network.attach(client);
      const scripted = config.arrivalTimesMs?.[index];
      const coincides = scripted === undefined && index > 0 && arrivals.next() < config.arrivalCoincidence;
      const atMs = scripted ?? (coincides ? previousMs : arrivals.integer(0, config.arrivalSpreadMs));
      previousMs = atMs;
      lastMs = Math.max(lastMs, atMs);
      this.queue.timer({ key: `arrive:${client.id}`, actor: client.id, resources: [client.id], delayMs: atMs, action: () => client.arrive() });
    }
    this.deadline = this.queue.timer({
      key: 'liveness-deadline',
      actor: 'world',
      resources: ['world'],
      delayMs: lastMs + config.livenessBoundMs,
      action: () => this.reportStuck(),
    });
  }

  private onClientSettled(): void {
    if (this.raceOver || !this.clients.every((client) => client.state === 'collaborating' || client.state === 'failed')) return;
    this.raceOver = true;
    if (this.deadline !== undefined) this.queue.cancel(this.deadline);
    this.emit({ kind: 'phase', actor: 'world', phase: 'settled', detail: 'every client is collaborating or has given up' });
    const expectations = this.expectations();
    runRetentionProbe(this, this.keyStore, 'probe-1', expectations, () => {
      this.emit({ kind: 'phase', actor: 'world', phase: 'quiet', detail: `nothing happens for ${this.config.quietPeriodMs} ms` });
      this.queue.timer({
        key: 'quiet-period-end',
        actor: 'world',
        resources: ['world'],
        delayMs: this.config.quietPeriodMs,
        action: () =>
          runRetentionProbe(this, this.keyStore, 'probe-2', expectations, () => {
            this.emit({ kind: 'phase', actor: 'world', phase: 'done', detail: 'both retention probes ran' });
            this.done = true;
          }),
      });
    });
  }

  private expectations(): Expectation[] {
    const result: Expectation[] = [];
    for (const session of this.server.established()) {
      const expectedKey = this.clients.find((client) => client.id === session.owner)?.createdKey;
      if (expectedKey !== undefined) result.push({ documentId: session.documentId, keyHint: session.keyHint, expectedKey });
    }
    return result;
  }

  private reportStuck(): void {
    const waiting = this.clients
      .filter((client) => client.state !== 'collaborating')
      .map((client) => ({ client: client.id, state: client.state, waitingFor: client.waitingFor }));
    this.emit({ kind: 'stuck', actor: 'world', waiting });
  }
}
