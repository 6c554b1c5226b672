import type { Host, HostKind, HostRealm } from '../config/registry.ts';

export type { Host, HostKind, HostRealm } from '../config/registry.ts';

/**
 * The hosts of a world, in the spirit of turmoil's `sim.host(name, factory)` and madsim's nodes: every machine
 * of a run — a browser, the RTC server, the key store, an instance of the integrator's backend, the load
 * balancer in front of them, a retention probe — is registered here under its address, with one lifecycle.
 * The engine reaches hosts through this table only: settling iterates their realms, fault verbs crash address
 * sets, the kernel asks each for a host turn. Nothing outside a host's own files tells hosts apart by name.
 */

/** The table of a world's hosts, in registration order (which is the order realms are settled in). */
export class HostTable {
  private readonly byAddress = new Map<string, Host>();
  // Kept as hosts register, not searched per step: the kernel settles realms and asks for host turns at every
  // step, and a large world has ten thousand browsers sharing one realm.
  private readonly realmList: HostRealm[] = [];
  private readonly turnTakers: Host[] = [];
  /** Counts registrations, so that a holder of `realms()` knows when to ask again. */
  version = 0;

  /** Registers a host; an address registered twice is a programmer error. */
  register<H extends Host>(host: H): H {
    if (this.byAddress.has(host.address)) throw new Error(`two hosts at the address ${host.address}`);
    this.byAddress.set(host.address, host);
    if (host.realm !== undefined && !this.realmList.includes(host.realm)) this.realmList.push(host.realm);
    if (host.hostTurn !== undefined) this.turnTakers.push(host);
    this.version++;
    return host;
  }

  /** The host at an address, if any. */
  get(address: string): Host | undefined {
    return this.byAddress.get(address);
  }

  /** The addresses of the hosts of one kind, in registration order. */
  addresses(kind: HostKind): string[] {
    const found: string[] = [];
    for (const host of this.byAddress.values()) if (host.kind === kind) found.push(host.address);
    return found;
  }

  /** Every host, in registration order. */
  all(): IterableIterator<Host> {
    return this.byAddress.values();
  }

  /** The distinct realms of the hosts, in registration order: each settled once, however many hosts share it. */
  realms(): readonly HostRealm[] {
    return this.realmList;
  }

  /** Crashes each host of the set that can crash (an unknown address is ignored: the host is not in this world). */
  crash(addresses: readonly string[], downMs: number): void {
    for (const address of addresses) this.byAddress.get(address)?.crash?.(downMs);
  }

  /** The first host turn a host asks for, in registration order. */
  hostTurn(): Promise<void> | undefined {
    for (const host of this.turnTakers) {
      const turn = host.hostTurn?.();
      if (turn !== undefined) return turn;
    }
    return undefined;
  }
}
