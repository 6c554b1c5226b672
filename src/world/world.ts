import type { RunConfig } from '../config/run-config.ts';
import { EventQueue } from '../kernel/event-queue.ts';
import { HostWork } from '../kernel/host-work.ts';
import { RandomStreams } from '../kernel/random.ts';
import type { ProviderSource } from '../providers/source.ts';
import { Client, type ClientRoster } from '../model/client.ts';
import { builtInTokenSource, type TokenSource } from '../model/auth/token-source.ts';
import { drawClock } from '../model/clocks.ts';
import { documentOfClient } from '../config/documents.ts';
import type { CryptoScheme } from '../model/crypto.ts';
import { cryptoScheme } from '../model/crypto-scheme.ts';
import { SimulatedKeyStore } from '../model/key-store.ts';
import { Network } from '../model/network.ts';
import type { ClientStatus, Observation } from '../model/observations.ts';
import { runRetentionProbe, type Expectation } from '../model/probe.ts';
import { Server } from '../model/server.ts';
import type { WorldContext } from '../model/world-context.ts';
import { durationWords } from '../kernel/format.ts';
import { builtInRegistry } from '../config/components.ts';
import type { SimulatedFetch } from '../providers/machine-services.ts';
import type { Realm } from '../providers/realm.ts';
import { BackendFleet, backendAddress } from '../model/backend-fleet.ts';
import { prepareBackendDatabase } from '../model/backend-database.ts';
import { PageFetch } from '../model/page-fetch.ts';
import type { BackendContractProblem } from '../backend/contract.ts';
import type { FaultShape, FaultTarget, HostContext, Registry } from '../config/registry.ts';
import { MomentFaults } from './moment-faults.ts';
import type { ProtocolMoment } from '../config/moments.ts';
import { HostTable, type HostRealm } from './hosts.ts';

/**
 * N clients, a server, a network and a key store, wired for one run; its faults are the registered components'
 * verbs. Phases: the race with its faults (until the fault plan's phase end), then the liveness phase, in
 * which faults stop and every client must be collaborating within the bound (or have given up — a violation);
 * then a retention probe at each horizon (at once, and after quiet periods up to a year); then the world is done.
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
  quietUntilMs = 0;
  /** True when every phase has run: the run ends without a violation. */
  done = false;
  /** Every machine of the run by address (see world/hosts.ts). */
  readonly hosts = new HostTable();
  /** The integrator's backend instances and their load balancer, when the source has a backend (after `prepare`). */
  backend: BackendFleet | undefined;
  private backendProblem: BackendContractProblem | undefined;
  private readonly pageFetches = new Map<string, PageFetch>();
  private realmsCache: { readonly version: number; readonly realms: readonly HostRealm[] } | undefined;
  private readonly network: Network;
  private readonly keyStore: SimulatedKeyStore;
  private deadline: ReturnType<EventQueue['timer']> | undefined;
  faultsHoldUntilMs: number;
  private readonly momentFaults: MomentFaults;
  private raceOver = false;
  private settledClients = 0;

  constructor(
    readonly config: RunConfig,
    readonly source: ProviderSource,
    readonly emit: (observation: Observation) => void,
    readonly wants: (kind: Observation['kind']) => boolean = () => true,
    /** The components whose fault verbs this world runs. */
    private readonly registry: Registry = builtInRegistry,
  ) {
    this.streams = new RandomStreams(config.seed);
    this.crypto = cryptoScheme(config.crypto);
    this.network = new Network(this);
    this.keyStore = new SimulatedKeyStore(this, source.realm);
    this.server = new Server(this, this.network, drawClock(config.epochMs, config.clocks, this.streams.once('clock:server'), 'server'));
    this.tokens = config.auth === undefined ? undefined : (source.tokens ?? builtInTokenSource(config.auth));
    this.network.attach(this.server);
    this.hosts.register({ address: this.server.id, kind: 'rtc-server', crash: (downMs) => this.restartServer(downMs) });
    // The key store and (with a backend) the database are hosts without a crash of their own: their faults are per operation.
    this.hosts.register({ address: 'keyStore', kind: 'key-store' });
    this.momentFaults = new MomentFaults(config.faults?.events ?? [], registry);
    this.faultsHoldUntilMs = config.faults?.phaseEndMs ?? 0;
  }

  /** A protocol moment happened: during the fault phase, the crash points waiting for it fire (see world/moments.ts). */
  moment(moment: ProtocolMoment): void {
    if (this.queue.reached(this.config.faults?.phaseEndMs ?? 0)) return;
    this.momentFaults.reached(moment, () => this.faultTarget());
  }

  /**
   * What must exist before the clock starts: with a backend, the run's fresh database (after the backend's
   * `setup`) and the backend machine. Nothing to do without one.
   */
  async prepare(): Promise<void> {
    const source = this.source.backend;
    if (source === undefined) return;
    // The database's machine keeps the clock the one backend machine had before there were several instances.
    const clock = drawClock(this.config.epochMs, this.config.clocks, this.streams.once('clock:backend'), 'backend');
    const machine = { clockMs: () => clock.read(this.queue.nowMs), entropy: this.streams.get('database:entropy') };
    const prepared = await prepareBackendDatabase(this, source, machine, (record) => {
      if (this.wants('sql')) this.emit({ kind: 'sql', actor: 'database', key: record.key, caller: record.caller, text: record.text, outcome: record.outcome });
    });
    if (!prepared.ok) {
      this.backendProblem = prepared.problem;
      return;
    }
    this.keyStore.preload(prepared.keyStoreEntries);
    const { network, keyStore, hosts } = this;
    hosts.register({ address: 'database', kind: 'database' });
    this.backend = hosts.register(new BackendFleet({ world: this, network, register: (host) => hosts.register(host), source, database: prepared.database, keyStore, instances: this.config.backendInstances ?? 1, policy: this.config.balancer ?? 'round-robin' }));
  }

  /**
   * The realms user code runs in, each once: the browsers' providers, their token provider, then the other
   * hosts' in registration order. Made again only when a host registered since.
   */
  realms(): readonly HostRealm[] {
    if (this.realmsCache?.version === this.hosts.version) return this.realmsCache.realms;
    const realms: HostRealm[] = [this.source.realm];
    if (this.tokens?.realm !== undefined) realms.push(this.tokens.realm);
    for (const realm of this.hosts.realms()) if (!realms.includes(realm)) realms.push(realm);
    this.realmsCache = { version: this.hosts.version, realms };
    return realms;
  }

  /** The fetch of one module instance of a browser (or probe): to the backend; undefined without one. */
  pageFetch(clientId: string, realm: Realm): SimulatedFetch | undefined {
    const fleet = this.backend;
    if (this.source.backend === undefined) return undefined;
    let page = this.pageFetches.get(clientId);
    if (page === undefined) {
      page = new PageFetch(this, this.network, clientId, (from) => fleet?.route(from) ?? '');
      this.pageFetches.set(clientId, page);
      this.network.attach(page, 'http');
    }
    return page.fetchFor(realm);
  }

  /** Schedules the arrivals, the faults and the liveness deadline. */
  start(): void {
    const { config } = this;
    if (this.backendProblem !== undefined) {
      const { problem, message } = this.backendProblem;
      // The module's setup failed before any instance existed: the first instance's address stands for them.
      this.emit({ kind: 'backend', actor: backendAddress(1, this.config.backendInstances ?? 1), event: 'contract', problem, detail: message });
      return;
    }
    for (const host of this.registry.hosts(this.hostContext())) this.hosts.register(host);
    for (const host of this.hosts.all()) host.start?.();
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
      const client = new Client(id, documentOfClient(index, config), {
        world: this,
        network: this.network,
        server: this.server,
        keyStore: this.keyStore,
        clock: drawClock(config.epochMs, config.clocks, this.streams.once(`clock:${id}`), id),
        roster,
      });
      this.clients.push(client);
      this.hosts.register({ address: client.id, kind: 'browser', realm: this.source.realm, crash: (downMs) => client.crash(downMs) });
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

  // Each scheduled fault runs its component's verb at its time; a verb without `inject` is applied by its
  // component as it works (a key-store operation failing), so nothing is scheduled for it.
  private scheduleFault(fault: FaultShape, index: number): void {
    const verb = this.registry.verb(fault.kind);
    if (verb.inject === undefined || fault.atMs === undefined) return;
    const inject = verb.inject.bind(verb);
    this.queue.timer({
      key: `fault:${index}:${fault.kind}`,
      actor: 'faults',
      resources: ['world'],
      delayMs: fault.atMs,
      action: () => inject(fault, this.faultTarget()),
    });
  }

  // What a component's own hosts get: the trace, the clock and the kernel's timers.
  private hostContext(): HostContext {
    return new WorldHostContext(this);
  }

  // What fault verbs act on: the clients, the network's links, the server.
  private faultTarget(): FaultTarget {
    return {
      nowMs: this.queue.nowMs,
      record: (actor, fault, detail) => this.emit({ kind: 'fault', actor, fault, detail }),
      client: (id) => this.clients.find((candidate) => candidate.id === id),
      partition: (endpoint, peer, untilMs) => {
        this.faultsHoldUntilMs = Math.max(this.faultsHoldUntilMs, untilMs);
        this.network.partition(endpoint, peer, untilMs);
        // A browser cut off from the server is cut off from the backend too: its page's fetches wait as well.
        if (peer === this.server.id) for (const address of this.backend?.addresses() ?? []) this.network.partition(endpoint, address, untilMs);
      },
      spikeLatency: (factor, untilMs) => {
        this.faultsHoldUntilMs = Math.max(this.faultsHoldUntilMs, untilMs);
        this.network.spikeLatency(factor, untilMs);
      },
      addresses: (kind) => this.hosts.addresses(kind),
      crash: (addresses, downMs) => this.hosts.crash(addresses, downMs),
      loseNextResponse: (client) => this.backend?.loseNextResponse(client),
      rollingDeploy: () => this.backend?.rollingDeploy(),
    };
  }

  // The RTC server restarts: every connection to it drops, and it is down for `downMs`.
  private restartServer(downMs: number): void {
    this.server.restart(downMs);
    for (const client of this.clients) client.disconnect(downMs, { kind: 'server-restarted' });
  }

  private onClientSettled(): void {
    if (this.raceOver || this.settledClients < this.clients.length) return;
    if (!this.queue.reached(this.config.faults?.phaseEndMs ?? 0) && this.clients.some((client) => client.state !== 'failed')) return;
    this.raceOver = true;
    if (this.deadline !== undefined) this.queue.cancel(this.deadline);
    this.emit({ kind: 'phase', actor: 'world', phase: 'settled', detail: 'every client is collaborating or has given up' });
    // Probes are scheduled relative to this moment: the kernel's scheduling, not a reading of the clock.
    this.probeAtHorizon(0, this.queue.nowMsUnobserved, this.expectations());
  }

  // One fresh browser per retention horizon, each opening every established session. Between two horizons
  // nothing is scheduled, so the queue jumps straight to the next one: a quiet year costs one event.
  private probeAtHorizon(index: number, settledAtMs: number, expectations: readonly Expectation[]): void {
    const horizonMs = this.config.retentionHorizonsMs[index];
    if (horizonMs === undefined) {
      this.emit({ kind: 'phase', actor: 'world', phase: 'done', detail: 'every retention probe ran' });
      this.done = true;
      return;
    }
    const probe = (): void => runRetentionProbe(this, this.keyStore, { probeId: `probe-${index + 1}`, horizonMs, expectations }, () => this.probeAtHorizon(index + 1, settledAtMs, expectations));
    const delayMs = settledAtMs + horizonMs - this.queue.nowMsUnobserved;
    if (delayMs <= 0) return probe();
    this.emit({ kind: 'phase', actor: 'world', phase: 'quiet', detail: `nothing happens until ${durationWords(horizonMs)} after the race settled` });
    this.quietUntilMs = this.queue.nowMsUnobserved + delayMs;
    this.queue.timer({ key: `retention-horizon:${index}`, actor: 'world', resources: ['world'], delayMs, action: probe });
  }

  private expectations(): Expectation[] {
    const result: Expectation[] = [];
    // Looked up by id, not searched: a world of 1,000 documents has 1,000 sessions and 3,000 clients.
    const clientsById = new Map(this.clients.map((client) => [client.id, client]));
    for (const session of this.server.established()) {
      // Stryker disable next-line OptionalChaining: the owner of an established session is always one of the clients
      const expectedKey = clientsById.get(session.owner)?.createdKey(session.keyHint);
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

/**
 * What a component's hosts get from one world. A class, not an object literal: a literal with a getter made
 * per run puts the getter in a hidden class in the collector's old generation, and through the getter's
 * closure the whole world then outlived every young collection until the next full one (a third of a run's
 * allocations were promoted that way; `bench/promotion-probe.ts` measures it).
 */
class WorldHostContext implements HostContext {
  constructor(private readonly world: World) {}
  get nowMs(): number {
    return this.world.queue.nowMs;
  }
  // Own functions, as the literal's were: a host may keep one apart from the context.
  readonly record = (actor: string, event: string, detail: string): void => this.world.emit({ kind: 'fault', actor, fault: event, detail });
  readonly schedule = (key: string, actor: string, delayMs: number, action: () => void): void => void this.world.queue.timer({ key, actor, resources: [actor], delayMs, action });
}
