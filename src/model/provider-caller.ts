import type { ValidAnswer } from '../providers/contract.ts';
import { invokeProvider } from '../providers/invoke.ts';
import type { EncryptionProvider } from '../providers/types.ts';
import { virtualTimeout } from './instance-hooks.ts';
import type { WorldContext } from './world-context.ts';

/** How a caller learns that a provider step could not be completed. */
export type GiveUp = (reason: string) => void;

/** One request to the provider, with everything its attempts need, its own `stillWanted` check included. */
interface PendingRequest {
  readonly documentId: string;
  readonly keyHint: string | null;
  readonly onAnswer: (answer: ValidAnswer) => void;
  readonly giveUp: GiveUp;
  readonly stillWanted: () => boolean;
  /** When the first failure that counts towards giving up happened (undefined: none yet). */
  failingSinceMs?: number;
}

/** The longest backoff between two attempts. */
export const retryBackoffMsMax = 30_000;

/**
 * One client's calls to its provider, as the plugin makes them: a virtual-time timeout per call, and after a
 * rejection, throw or timeout a retry with doubling backoff (capped), as the plugin reconnects. Failures while
 * a fault still holds (the fault phase, and a partition or latency spike drawn in it for as long as it lasts)
 * never count towards giving up — a correct provider that propagates a key-store error or times out its fetch
 * must recover once the faults stop; after that, a request is given up after `providerAttemptsMax` attempts
 * and `keepAskingMs` of failing (browsers and probes pass the liveness bound). A contract breach is not
 * retried: it is reported at once.
 */
export class ProviderCaller {
  private callCount = 0;

  constructor(
    private readonly world: WorldContext,
    private readonly clientId: string,
    private readonly provider: EncryptionProvider,
    /**
     * How long a request keeps being asked once it fails, however many attempts that takes (0: only the
     * attempt count decides). Browsers and retention probes pass the liveness bound: the plugin reconnects on
     * its own, and one that gave up after four slow answers would call a provider broken, or a key lost, that
     * is only slow in a world whose key store stalls for seconds.
     */
    private readonly keepAskingMs = 0,
  ) {}

  /**
   * Asks for the key of `keyHint` (null: a new key); calls `onAnswer` once, or `giveUp` after the last attempt.
   * Once `stillWanted` turns false (the connection the request belonged to is gone), nothing more happens.
   */
  request(documentId: string, keyHint: string | null, onAnswer: (answer: ValidAnswer) => void, giveUp: GiveUp, stillWanted: () => boolean = () => true): void {
    this.attempt({ documentId, keyHint, onAnswer, giveUp, stillWanted }, 1);
  }

  // Every attempt and retry timer closes over its own request: a retry left from a dropped connection keeps
  // asking that connection's check, never the check of whatever request came next.
  private attempt(request: PendingRequest, attempt: number): void {
    const { world, clientId } = this;
    const { documentId, keyHint, onAnswer, giveUp, stillWanted } = request;
    if (!stillWanted()) return;
    const callNumber = ++this.callCount;
    if (world.wants('provider-call')) world.emit({ kind: 'provider-call', actor: clientId, documentId, keyHint, attempt });
    const context = { realm: world.source.realm, startTimeout: virtualTimeout(world, `timeout:${clientId}#${callNumber}`, clientId) };
    invokeProvider(this.provider, { documentId, keyHint }, context, (outcome) => {
      if (world.closed || !stillWanted()) return;
      if (outcome.ok) {
        world.emit({
          kind: 'provider-answer',
          actor: clientId,
          documentId,
          requestedHint: keyHint,
          key: outcome.key,
          keyHint: outcome.keyHint,
          hintGiven: outcome.hintGiven,
        });
        // A crash point may fire here: the client then drops the answer (its connection is gone).
        world.moment({ kind: 'provider-answered', client: clientId });
        onAnswer(outcome);
        return;
      }
      if (outcome.failure === 'contract') {
        world.emit({ kind: 'provider-contract', actor: clientId, problem: outcome.message });
        giveUp(`its provider broke the contract: ${outcome.message}`);
        return;
      }
      world.emit({
        kind: 'provider-failure',
        actor: clientId,
        documentId,
        requestedHint: keyHint,
        failure: outcome.failure,
        message: outcome.message,
      });
      const inFaultPhase = !world.queue.reached(world.faultsHoldUntilMs);
      if (!inFaultPhase) request.failingSinceMs ??= world.queue.nowMs;
      const failingForMs = world.queue.nowMs - (request.failingSinceMs ?? world.queue.nowMs);
      if (!inFaultPhase && attempt >= world.config.providerAttemptsMax && failingForMs >= this.keepAskingMs) {
        const over = this.keepAskingMs === 0 ? '' : ` over ${Math.round(failingForMs / 1000)} s`;
        giveUp(`its provider failed ${attempt} times${over} (last: ${outcome.failure}: ${outcome.message})`);
        return;
      }
      world.queue.timer({
        key: `retry:${clientId}#${callNumber}`,
        actor: clientId,
        resources: [clientId],
        delayMs: Math.min(retryBackoffMsMax, world.config.retryBackoffMs * 2 ** Math.min(attempt - 1, 20)),
        // Attempts made during the fault phase do not count towards giving up.
        action: () => this.attempt(request, inFaultPhase ? 1 : attempt + 1),
      });
    });
  }
}
