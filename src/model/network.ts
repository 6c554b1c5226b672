import { drawLatency } from '../config/swarm.ts';
import { Lane } from '../kernel/event.ts';
import type { RandomStream } from '../kernel/random.ts';
import { isHttpMessage } from './http-messages.ts';
import type { NetworkMessage } from './messages.ts';
import type { WorldContext } from './world-context.ts';

/** The protocols the network carries: a machine may speak both (a browser holds a websocket and makes fetches). */
export type Protocol = 'rtc' | 'http';

/** An addressed endpoint of the network: a browser's plugin or its page's fetch, the RTC server, the backend. */
export interface Endpoint {
  /** Its address: the machine it runs on (`c1`, `server`, `backend`). */
  readonly id: string;
  receive(from: string, message: NetworkMessage): void;
  /** What a delivery to it touches, for partial-order reduction; absent: the endpoint itself. */
  resourceOf?(message: NetworkMessage): string;
}

/** The name a client or the server used for an endpoint before endpoints were addressed. */
export type Node = Endpoint;

/** The canonical key of the connection between two endpoints: the same whichever end asks. */
export function connectionKey(endpoint: string, peer: string): string {
  return endpoint < peer ? `${endpoint}↔${peer}` : `${peer}↔${endpoint}`;
}

/**
 * Addressed messages between any two endpoints over per-connection FIFO links with seeded latencies
 * (websocket semantics): messages on one connection arrive in the order sent each way; messages on different
 * connections may arrive in any order. Faults, all keyed by the connection: a dropped connection loses what
 * is in flight; a partition holds its messages until it heals; a latency spike stretches every delay.
 */
export class Network {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly httpEndpoints = new Map<string, Endpoint>();
  // By sender, then receiver: a send looks its link up without making and hashing a new name string.
  private readonly links = new Map<string, Map<string, Link>>();
  private readonly partitionedUntilMs = new Map<string, number>();
  private spike: { readonly untilMs: number; readonly factor: number } | undefined;
  private latencies: RandomStream | undefined;

  constructor(private readonly world: WorldContext) {}

  /** Makes an endpoint reachable at its address, for one protocol (default: the RTC websocket). */
  attach(endpoint: Endpoint, protocol: Protocol = 'rtc'): void {
    (protocol === 'http' ? this.httpEndpoints : this.endpoints).set(endpoint.id, endpoint);
  }

  /** Sends a message; it is delivered after a seeded latency, after everything sent before it on the link. */
  send(from: string, to: string, message: NetworkMessage): void {
    const link = this.link(from, to);
    const count = ++link.sent;
    const queue = this.world.queue;
    const latencyMs = drawLatency(this.world.config.network, (this.latencies ??= this.world.streams.get('network')));
    let delayMs = latencyMs;
    // A spike is a slow period: a message sent in it arrives at the latest one latency after it ends.
    if (this.spike !== undefined && !queue.reached(this.spike.untilMs)) delayMs = Math.min(latencyMs * this.spike.factor, this.spike.untilMs - queue.nowMs + latencyMs);
    // Most runs never partition: their sends skip making the connection's key.
    const heldUntilMs = this.partitionedUntilMs.size === 0 ? 0 : (this.partitionedUntilMs.get(connectionKey(from, to)) ?? 0);
    if (!queue.reached(heldUntilMs)) delayMs += heldUntilMs - queue.nowMs;
    const receiver = (isHttpMessage(message) ? this.httpEndpoints : this.endpoints).get(to);
    this.world.queue.async(
      {
        key: `${link.name}#${count}`,
        actor: link.name,
        resources: [receiver?.resourceOf?.(message) ?? to],
        delayMs,
        action: () => {
          if (this.world.wants('deliver')) this.world.emit({ kind: 'deliver', actor: to, from, message });
          receiver?.receive(from, message);
        },
      },
      link,
    );
  }

  /** Drops the connection between two endpoints, both ways: whatever is in flight on it is lost. */
  dropConnection(endpoint: string, peer: string): void {
    this.world.queue.dropLane(this.link(endpoint, peer));
    this.world.queue.dropLane(this.link(peer, endpoint));
  }

  /** Holds the connection's messages (both ways) until `untilMs`: TCP retransmits across a partition. */
  partition(endpoint: string, peer: string, untilMs: number): void {
    const connection = connectionKey(endpoint, peer);
    this.partitionedUntilMs.set(connection, Math.max(untilMs, this.partitionedUntilMs.get(connection) ?? 0));
  }

  /** Multiplies every latency by `factor` until `untilMs`. */
  spikeLatency(factor: number, untilMs: number): void {
    this.spike = { untilMs, factor };
  }

  private link(from: string, to: string): Link {
    let fromSender = this.links.get(from);
    if (fromSender === undefined) {
      fromSender = new Map();
      this.links.set(from, fromSender);
    }
    let link = fromSender.get(to);
    if (link === undefined) {
      link = new Link(`${from}→${to}`);
      fromSender.set(to, link);
    }
    return link;
  }
}

/** One direction of one connection: its FIFO lane, and how many messages were sent on it (they are numbered). */
class Link extends Lane {
  sent = 0;
}
