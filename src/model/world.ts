import type { FaultEvent } from '../config/fault-plan.ts';
import type { RunConfig } from '../config/run-config.ts';
import { EventQueue } from '../kernel/event-queue.ts';
import { HostWork } from '../kernel/host-work.ts';
import { RandomStreams } from '../kernel/random.ts';
import type { ProviderSource } from '../providers/source.ts';
import { Client, type ClientRoster } from './client.ts';
import { builtInTokenSource, type TokenSource } from './auth/token-source.ts';
import { drawClock } from './clocks.ts';
import { cryptoScheme, type CryptoScheme } from './crypto.ts';
import { SimulatedKeyStore } from './key-store.ts';
import { Network } from './network.ts';
import type { ClientStatus, Observation } from './observations.ts';
import { runRetentionProbe, type Expectation } from './probe.ts';
import { Server } from './server.ts';
import type { WorldContext } from './world-context.ts';

/**
 * N clients, a server, a network and a key store, wired for one run. Phases: the race with its faults (until
 * the fault plan's phase end), then the liveness phase, in which faults stop and every client must be
 * collaborating within the bound (or have given up — a violation); then a retention probe at once, a quiet
 * period of hours, and a second probe; then the world is done.
 */
export class World implements WorldContext {
  readonly queue = new EventQueue();
  readonly hostWork = new HostWork();
  readonly crypto: CryptoScheme;
  /** Where clients get their JWTs, with authentication on. */
  readonly tokens: TokenSource | undefined;
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
  private settledClients = 0;

  constructor(
    readonly config: RunConfig,
    readonly source: ProviderSource,
    readonly emit: (observation: Observation) => void,
    readonly wants: (kind: Observation['kind']) => boolean = () => true,
  ) {
    this.streams = new RandomStreams(config.seed);
    this.crypto = cryptoScheme(config.crypto);
    this.network = new Network(this);
    this.keyStore = new SimulatedKeyStore(this, source.realm);
    this.server = new Server(this, this.network, drawClock(config.epochMs, config.clocks, this.streams.get('clock:server'), 'server'));
    this.tokens = config.auth === undefined ? undefined : (source.tokens ?? builtInTokenSource(config.auth));
    this.network.attach(this.server);
  }

  /** Schedules the arrivals, the faults and the liveness deadline. */
  start(): void {
    const { config } = this;
    const arrivals = this.streams.get('arrivals');
    let previousMs = 0;
    let lastMs = 0;
    const roster: ClientRoster = {
      onSettled: () => this.onClientSettled(),
      settledChange: (delta) => {
        this.settledClients += delta;
      },
      isRaceOver: () => this.raceOver,
    };
    for (let index = 0; index < config.clients; index++) {
      const id = `c${index + 1}`;
      const client = new Client(id, `d${(index % config.documents) + 1}`, {
        world: this,
        network: this.network,
        server: this.server,
        keyStore: this.keyStore,
        clock: drawClock(config.epochMs, config.clocks, this.streams.get(`clock:${id}`), id),
        roster,
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
    for (const [index, fault] of (config.faults?.events ?? []).entries()) this.scheduleFault(fault, index);
    const phaseEndMs = config.faults?.phaseEndMs ?? 0;
    if (phaseEndMs > 0) {
      this.queue.timer({
        key: 'fault-phase-end',
        actor: 'world',
        resources: ['world'],
        delayMs: phaseEndMs,
        action: () => {
          this.emit({ kind: 'phase', actor: 'world', phase: 'liveness', detail: 'faults stop; every client must now settle' });
          this.onClientSettled();
        },
      });
    }
    this.deadline = this.queue.timer({
      key: 'liveness-deadline',
      actor: 'world',
      resources: ['world'],
      delayMs: Math.max(lastMs, config.faults?.phaseEndMs ?? 0) + config.livenessBoundMs,
      action: () => this.emit({ kind: 'liveness-deadline', actor: 'world', clients: this.waitingClients() }),
    });
  }

  private scheduleFault(fault: FaultEvent, index: number): void {
    if (fault.kind === 'key-store-failure') return; // the key store applies these itself
    this.queue.timer({
      key: `fault:${index}:${fault.kind}`,
      actor: 'faults',
      resources: ['world'],
      delayMs: fault.atMs,
      action: () => this.inject(fault),
    });
  }

  private inject(fault: Exclude<FaultEvent, { kind: 'key-store-failure' }>): void {
    const nowMs = this.queue.nowMs;
    const client = 'client' in fault ? this.clients.find((candidate) => candidate.id === fault.client) : undefined;
    switch (fault.kind) {
      case 'disconnect':
        this.emit({ kind: 'fault', actor: fault.client, fault: 'disconnect', detail: `the connection drops; the plugin reconnects after ${fault.reconnectAfterMs}ms` });
        return client?.disconnect(fault.reconnectAfterMs);
      case 'crash':
        this.emit({ kind: 'fault', actor: fault.client, fault: 'crash', detail: `the browser crashes and restarts after ${fault.restartAfterMs}ms` });
        return client?.crash(fault.restartAfterMs);
      case 'partition':
        this.emit({ kind: 'fault', actor: fault.client, fault: 'partition', detail: `messages to and from the server are held for ${fault.healAfterMs}ms` });
        return this.network.partition(fault.client, nowMs + fault.healAfterMs);
      case 'latency-spike':
        this.emit({ kind: 'fault', actor: 'network', fault: 'latency spike', detail: `latencies ×${fault.factor} for ${fault.durationMs}ms` });
        return this.network.spikeLatency(fault.factor, nowMs + fault.durationMs);
      case 'clock-sync':
        this.emit({ kind: 'fault', actor: fault.client, fault: 'clock sync', detail: 'the clock is corrected (NTP) and now reads true time' });
        return client?.synchroniseClock();
      case 'server-restart':
        this.emit({ kind: 'fault', actor: 'server', fault: 'restart', detail: `every connection drops; the server is down for ${fault.downMs}ms` });
        this.server.restart(fault.downMs);
        for (const each of this.clients) each.disconnect(fault.downMs, { kind: 'server-restarted' });
        return undefined;
    }
  }

  private onClientSettled(): void {
    if (this.raceOver || this.settledClients < this.clients.length) return;
    if (this.queue.nowMs < (this.config.faults?.phaseEndMs ?? 0) && this.clients.some((client) => client.state !== 'failed')) return;
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
      // Stryker disable next-line OptionalChaining: the owner of an established session is always one of the clients
      const expectedKey = this.clients.find((client) => client.id === session.owner)?.createdKey(session.keyHint);
      if (expectedKey !== undefined) result.push({ documentId: session.documentId, keyHint: session.keyHint, expectedKey });
    }
    return result;
  }

  /** Nothing is left to happen: unless every phase ran, records who still waits, for the liveness checker. */
  reportStalled(): void {
    if (!this.done) this.emit({ kind: 'stalled', actor: 'world', clients: this.waitingClients() });
  }

  private waitingClients(): ClientStatus[] {
    return this.clients
      .filter((client) => client.state !== 'collaborating')
      .map((client) => ({ client: client.id, state: client.state, waitingFor: client.waitingFor }));
  }
}
