import { drawLatency } from '../config/swarm.ts';
import { Lane } from '../kernel/event.ts';
import type { Message } from './messages.ts';
import type { WorldContext } from './world-context.ts';

/** Something that receives messages: a client or the server. */
export interface Node {
  readonly id: string;
  receive(from: string, message: Message): void;
}

/**
 * Per-connection FIFO links with seeded latencies (websocket semantics): messages on one connection arrive in
 * the order sent; messages on different connections may arrive in any order. Faults: a dropped connection
 * loses what is in flight; a partition holds messages until it heals; a latency spike stretches every delay.
 */
export class Network {
  private readonly nodes = new Map<string, Node>();
  private readonly lanes = new Map<string, Lane>();
  private readonly sentCounts = new Map<string, number>();
  private readonly partitionedUntilMs = new Map<string, number>();
  private spike: { readonly untilMs: number; readonly factor: number } | undefined;

  constructor(private readonly world: WorldContext) {}

  /** Makes a node reachable. */
  attach(node: Node): void {
    this.nodes.set(node.id, node);
  }

  /** Sends a message; it is delivered after a seeded latency, after everything sent before it on the link. */
  send(from: string, to: string, message: Message): void {
    const name = `${from}→${to}`;
    const lane = this.lane(name);
    const count = (this.sentCounts.get(name) ?? 0) + 1;
    this.sentCounts.set(name, count);
    const client = from === 'server' ? to : from;
    const nowMs = this.world.queue.nowMs;
    const latencyMs = drawLatency(this.world.config.network, this.world.streams.get('network'));
    let delayMs = latencyMs;
    // A spike is a slow period: a message sent in it arrives at the latest one latency after it ends.
    if (this.spike !== undefined && nowMs < this.spike.untilMs) delayMs = Math.min(latencyMs * this.spike.factor, this.spike.untilMs - nowMs + latencyMs);
    const heldUntilMs = this.partitionedUntilMs.get(client) ?? 0;
    if (heldUntilMs > nowMs) delayMs += heldUntilMs - nowMs;
    this.world.queue.async(
      {
        key: `${name}#${count}`,
        actor: name,
        resources: [to === 'server' ? `server:${message.documentId}` : to],
        delayMs,
        action: () => {
          if (this.world.wants('deliver')) this.world.emit({ kind: 'deliver', actor: to, from, message });
          this.nodes.get(to)?.receive(from, message);
        },
      },
      lane,
    );
  }

  /** Drops a client's connection both ways: whatever is in flight on it is lost. */
  dropConnection(client: string): void {
    this.world.queue.dropLane(this.lane(`${client}→server`));
    this.world.queue.dropLane(this.lane(`server→${client}`));
  }

  /** Holds the client's messages (both ways) until `untilMs`: TCP retransmits across a partition. */
  partition(client: string, untilMs: number): void {
    this.partitionedUntilMs.set(client, Math.max(untilMs, this.partitionedUntilMs.get(client) ?? 0));
  }

  /** Multiplies every latency by `factor` until `untilMs`. */
  spikeLatency(factor: number, untilMs: number): void {
    this.spike = { untilMs, factor };
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (lane === undefined) {
      lane = new Lane(name);
      this.lanes.set(name, lane);
    }
    return lane;
  }
}
