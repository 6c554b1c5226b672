import type { BalancerPolicy } from '../config/run-config.ts';
import type { BackendSource } from '../backend/load.ts';
import type { SimulatedDatabase } from '../database/database.ts';
import type { SessionDatabase } from '../database/postgres/sessions.ts';
import type { RandomStream } from '../kernel/random.ts';
import type { Host } from '../config/registry.ts';
import { assertNever } from '../kernel/assert-never.ts';
import { BackendNode } from './backend-node.ts';
import { drawClock } from './clocks.ts';
import type { SimulatedKeyStore } from './key-store.ts';
import type { Network } from './network.ts';
import type { WorldContext } from './world-context.ts';

/** What the fleet is made of. */
export interface BackendFleetParts {
  readonly world: WorldContext;
  readonly network: Network;
  /** Registers a host in the world's table (each instance is one). */
  readonly register: (host: Host) => void;
  readonly source: BackendSource;
  /** The one database every instance shares: PGlite's, or the real server's sessions. */
  readonly database: SimulatedDatabase | SessionDatabase;
  readonly keyStore: SimulatedKeyStore;
  readonly instances: number;
  readonly policy: BalancerPolicy;
}

/** The address of instance `index` (1-based) of `count`: `backend` when it is the only one, else `backend#index`. */
export function backendAddress(index: number, count: number): string {
  return count === 1 && index === 1 ? 'backend' : `backend#${index}`;
}

/**
 * The integrator's backend as production runs it: several processes of the same module behind a load
 * balancer, all on the one database. Each instance is a host of its own (fresh module instance, memory,
 * timers, clock skew, seeded stream) that crashes and restarts on its own. The balancer routes each request
 * when the browser sends it — an L4/L7 proxy adds no hop of its own here — by its policy: in turn, at random
 * from its stream, or sticky (a browser always reaches the same instance). A crashed instance stays in
 * rotation (the balancer learns of it only by the refused connection, as a passive health check does); a
 * rolling deploy replaces the instances one at a time: a new one starts while the old one still serves, takes
 * its place once it listens, and the old one drains and stops.
 */
export class BackendFleet implements Host {
  readonly address = 'balancer';
  readonly kind = 'balancer';
  /** Every instance ever started, in order (a deploy adds some). */
  readonly instances: BackendNode[] = [];
  /** The instances the balancer sends new requests to, in rotation order. */
  private rotation: BackendNode[] = [];
  private readonly losingNextResponse = new Set<string>();
  private readonly random: RandomStream;
  private nextInTurn = 0;
  private deploying = false;

  constructor(private readonly parts: BackendFleetParts) {
    this.random = parts.world.streams.get('balancer');
    for (let index = 1; index <= parts.instances; index++) this.rotation.push(this.create(backendAddress(index, parts.instances)));
  }

  /** The instance a request from `from` goes to now. */
  route(from: string): string {
    // The rotation is never empty (a deploy swaps instances one for one), so the index always names one.
    return (this.rotation[this.indexFor(from, this.rotation.length)] as BackendNode).address;
  }

  // Where in the rotation, by the policy: in turn, at random from the balancer's stream, or by the browser.
  private indexFor(from: string, count: number): number {
    const policy = this.parts.policy;
    switch (policy) {
      case 'round-robin':
        return this.nextInTurn++ % count;
      case 'random':
        return this.random.integer(0, count - 1);
      case 'sticky':
        return affinity(from) % count;
      default:
        return assertNever(policy, 'balancer policy');
    }
  }

  /** The addresses of every instance, for a partition that cuts a browser off from the backend. */
  addresses(): string[] {
    return this.instances.map((instance) => instance.address);
  }

  /** The next response any instance sends `client` is lost after its handler ran: the browser sees the connection drop. */
  loseNextResponse(client: string): void {
    this.losingNextResponse.add(client);
  }

  /** Replaces every instance in rotation, one at a time (a second deploy while one runs is ignored). */
  rollingDeploy(): void {
    if (this.deploying) return;
    this.deploying = true;
    this.replaceFrom([...this.rotation], 0);
  }

  // Starts the replacement of `old[index]`; once it listens it takes the old one's place, which drains.
  private replaceFrom(old: readonly BackendNode[], index: number): void {
    const outgoing = old[index];
    if (outgoing === undefined) {
      this.deploying = false;
      return;
    }
    let tookItsPlace = false;
    this.create(`backend#${this.instances.length + 1}`, (incoming) => {
      // Only its first start takes the old one's place: after a crash and restart, the place is already its own.
      if (tookItsPlace) return;
      tookItsPlace = true;
      this.rotation = this.rotation.map((instance) => (instance === outgoing ? incoming : instance));
      outgoing.drain();
      this.replaceFrom(old, index + 1);
    }).start();
  }

  private create(address: string, onServing?: (node: BackendNode) => void): BackendNode {
    const { world, network, register, source, database, keyStore } = this.parts;
    // The only instance keeps the stream names it had before there were several (`backend`, `clock:backend`).
    const clock = drawClock(world.config.epochMs, world.config.clocks, world.streams.once(`clock:${address}`), address, world.queue.nowMsUnobserved);
    const node = new BackendNode({ address, streamName: address, world, network, source, database, keyStore, clock, losingNextResponse: this.losingNextResponse, onServing });
    this.instances.push(node);
    register(node);
    network.attach(node, 'http');
    return node;
  }
}

// Session affinity by the browser's address: the same browser, the same instance while the rotation is the same.
function affinity(address: string): number {
  let hash = 0;
  for (let index = 0; index < address.length; index++) hash = (hash * 31 + address.charCodeAt(index)) >>> 0;
  return hash;
}
