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
 * the order sent; messages on different connections may arrive in any order.
 */
export class Network {
  private readonly nodes = new Map<string, Node>();
  private readonly lanes = new Map<string, Lane>();
  private readonly sentCounts = new Map<string, number>();

  constructor(private readonly world: WorldContext) {}

  /** Makes a node reachable. */
  attach(node: Node): void {
    this.nodes.set(node.id, node);
  }

  /** Sends a message; it is delivered after a seeded latency, after everything sent before it on the link. */
  send(from: string, to: string, message: Message): void {
    const name = `${from}→${to}`;
    let lane = this.lanes.get(name);
    if (lane === undefined) {
      lane = new Lane(name);
      this.lanes.set(name, lane);
    }
    const count = (this.sentCounts.get(name) ?? 0) + 1;
    this.sentCounts.set(name, count);
    const delayMs = drawLatency(this.world.config.network, this.world.streams.get('network').next);
    this.world.queue.async(
      {
        key: `${name}#${count}`,
        actor: name,
        resources: [to === 'server' ? `server:${message.documentId}` : to],
        delayMs,
        action: () => {
          this.world.emit({ kind: 'deliver', actor: to, from, message });
          this.nodes.get(to)?.receive(from, message);
        },
      },
      lane,
    );
  }
}
