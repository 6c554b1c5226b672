import type { WorldContext } from '../world-context.ts';
import { virtualTimeout } from '../instance-hooks.ts';
import { callTokenProvider, tokenLifetimeMs } from './token-call.ts';
import type { TokenProvider } from './token-source.ts';

/** What a client's token flow needs from the client. */
export interface TokenClient {
  readonly id: string;
  readonly documentId: string;
  /** The current connection's epoch: answers for an older one are dropped. */
  epoch(): number;
  /** Whether a refresh is still wanted (the client is connected, the race is on). */
  wantsRefresh(): boolean;
  /** A `jwt` disconnect: the token provider could not give a token. */
  disconnectForJwt(problem: string): void;
  /** The client now waits for its token provider. */
  waitingForToken(): void;
}

/**
 * One client's `rtc_token_provider`, as the plugin calls it: for every connection, and again at 80 % of a
 * token's lifetime to refresh it. A failure is a `jwt` disconnect, after which the plugin reconnects.
 */
export class ClientTokens {
  constructor(
    private readonly world: WorldContext,
    private readonly client: TokenClient,
    private readonly provider: TokenProvider,
  ) {}

  /** Gets a token for the current connection and hands it to `use`; schedules its refresh. */
  fetch(use: (token: string) => void, refreshWith: (token: string) => void): void {
    const { world, client } = this;
    const epoch = client.epoch();
    client.waitingForToken();
    const context = { realm: world.tokens?.realm ?? world.source.realm, startTimeout: virtualTimeout(world, `token-timeout:${client.id}#${epoch}@${world.queue.nowMs}`, client.id) };
    callTokenProvider(this.provider, client.documentId, context, (outcome) => {
      if (world.closed || client.epoch() !== epoch) return;
      if (!outcome.ok) return client.disconnectForJwt(outcome.problem);
      this.scheduleRefresh(outcome.token, epoch, refreshWith);
      use(outcome.token);
    });
  }

  private scheduleRefresh(token: string, epoch: number, refreshWith: (token: string) => void): void {
    const lifetimeMs = tokenLifetimeMs(token);
    if (lifetimeMs === undefined) return;
    const { world, client } = this;
    world.queue.timer({
      key: `token-refresh:${client.id}#${epoch}@${world.queue.nowMs}`,
      actor: client.id,
      resources: [client.id],
      delayMs: Math.max(1_000, Math.floor(lifetimeMs * 0.8)),
      action: () => {
        if (client.epoch() !== epoch || !client.wantsRefresh()) return;
        this.fetch(refreshWith, refreshWith);
      },
    });
  }
}
