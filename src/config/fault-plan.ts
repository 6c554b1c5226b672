/** One scheduled fault, at a virtual time within the fault phase. */
export type FaultEvent =
  /** The client's connection drops (in-flight messages are lost); the plugin reconnects after a backoff. */
  | { readonly kind: 'disconnect'; readonly atMs: number; readonly client: string; readonly reconnectAfterMs: number }
  /** The browser crashes: its connection and its provider's memory are lost; it restarts after a while. */
  | { readonly kind: 'crash'; readonly atMs: number; readonly client: string; readonly restartAfterMs: number }
  /** Messages between the client and the server are held (TCP retransmits) until the partition heals. */
  | { readonly kind: 'partition'; readonly atMs: number; readonly client: string; readonly healAfterMs: number }
  /** Every network latency is multiplied by `factor` for a while. */
  | { readonly kind: 'latency-spike'; readonly atMs: number; readonly durationMs: number; readonly factor: number }
  /** The server restarts: every connection drops, sessions being established are lost, established ones stay. */
  | { readonly kind: 'server-restart'; readonly atMs: number; readonly downMs: number }
  /** The n-th key-store operation a client's provider starts fails (is not applied). */
  | { readonly kind: 'key-store-failure'; readonly client: string; readonly operationNumber: number }
  /** The client's clock is corrected (NTP): from then on it reads true time. */
  | { readonly kind: 'clock-sync'; readonly atMs: number; readonly client: string };

/** The faults of one run: scheduled ones, per-operation rates, and when they stop. */
export interface FaultPlan {
  /** Faults start only before this virtual time; after it comes the liveness phase, where the world must settle. */
  readonly phaseEndMs: number;
  readonly events: readonly FaultEvent[];
  /** During the fault phase, the chance that a key-store operation fails at once (not applied). */
  readonly keyStoreFailureRate: number;
  /** During the fault phase, the chance that a key-store operation times out (not applied, rejected late). */
  readonly keyStoreTimeoutRate: number;
}

/** Clock settings: each node (client, server) draws its own skew and drift within these bounds. */
export interface ClockSettings {
  readonly skewMsMax: number;
  readonly driftPpmMax: number;
  /** Exact skews for named nodes (`c2`, `server`), instead of drawn ones. */
  readonly skewsMs?: Readonly<Record<string, number>>;
}

/** JWT authentication: every connection presents a token the server verifies against its JWK set. */
export interface AuthSettings {
  readonly mode: 'jwt';
  /** Clock leeway the server allows on iat, nbf and exp; the RTC documentation gives none. */
  readonly leewaySeconds: number;
  /** Lifetime of the tokens the built-in token provider signs. */
  readonly tokenLifetimeSeconds: number;
  /** Clients whose built-in tokens carry the `viewer` role (read-only). */
  readonly viewers?: readonly string[];
}

/** How the key store answers reads: at once, or from a replica that lags writes by up to `lagMs`. */
export interface KeyStoreConsistency {
  readonly mode: 'strong' | 'eventual';
  readonly lagMs: number;
}

/** A run without faults. */
export const noFaults: FaultPlan = { phaseEndMs: 0, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 };

/** Clocks that agree. */
export const exactClocks: ClockSettings = { skewMsMax: 0, driftPpmMax: 0 };

/** A key store whose reads see every completed write. */
export const strongConsistency: KeyStoreConsistency = { mode: 'strong', lagMs: 0 };

/** One line per fault plan, for reports. */
export function describeFaultPlan(plan: FaultPlan): string {
  if (plan.events.length === 0 && plan.keyStoreFailureRate === 0 && plan.keyStoreTimeoutRate === 0) return 'no faults';
  const events = plan.events.map((event) => {
    switch (event.kind) {
      case 'disconnect':
        return `${event.client} disconnects at ${event.atMs}ms (reconnects after ${event.reconnectAfterMs}ms)`;
      case 'crash':
        return `${event.client} crashes at ${event.atMs}ms (restarts after ${event.restartAfterMs}ms)`;
      case 'partition':
        return `${event.client} is partitioned at ${event.atMs}ms for ${event.healAfterMs}ms`;
      case 'latency-spike':
        return `latency ×${event.factor} at ${event.atMs}ms for ${event.durationMs}ms`;
      case 'server-restart':
        return `server restarts at ${event.atMs}ms (down ${event.downMs}ms)`;
      case 'key-store-failure':
        return `${event.client}'s key-store operation #${event.operationNumber} fails`;
      case 'clock-sync':
        return `${event.client}'s clock is corrected at ${event.atMs}ms`;
    }
  });
  const rates = `key-store failures ${plan.keyStoreFailureRate * 100}% and timeouts ${plan.keyStoreTimeoutRate * 100}% until ${plan.phaseEndMs}ms`;
  return [...events, rates].join('; ');
}
