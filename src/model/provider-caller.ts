import type { ValidAnswer } from '../providers/contract.ts';
import { invokeProvider } from '../providers/invoke.ts';
import type { EncryptionProvider } from '../providers/types.ts';
import type { WorldContext } from './world-context.ts';

/** How a caller learns that a provider step could not be completed. */
export type GiveUp = (reason: string) => void;

/**
 * One client's calls to its provider, as the plugin makes them: a virtual-time timeout per call, and after a
 * rejection, throw or timeout a retry with doubling backoff, a bounded number of times (the plugin
 * reconnects). A contract breach is not retried: it is reported at once.
 */
export class ProviderCaller {
  private callCount = 0;

  constructor(
    private readonly world: WorldContext,
    private readonly clientId: string,
    private readonly provider: EncryptionProvider,
  ) {}

  /** Asks for the key of `keyHint` (null: a new key); calls `onAnswer` once, or `giveUp` after the last attempt. */
  request(documentId: string, keyHint: string | null, onAnswer: (answer: ValidAnswer) => void, giveUp: GiveUp): void {
    this.attempt(documentId, keyHint, 1, onAnswer, giveUp);
  }

  private attempt(
    documentId: string,
    keyHint: string | null,
    attempt: number,
    onAnswer: (answer: ValidAnswer) => void,
    giveUp: GiveUp,
  ): void {
    const { world, clientId } = this;
    const callNumber = ++this.callCount;
    world.emit({ kind: 'provider-call', actor: clientId, documentId, keyHint, attempt });
    const context = {
      realm: world.source.realm,
      startTimeout: (onTimeout: () => void) => {
        const timer = world.queue.timer({
          key: `timeout:${clientId}#${callNumber}`,
          actor: clientId,
          resources: [clientId],
          delayMs: world.config.providerTimeoutMs,
          action: onTimeout,
        });
        return () => world.queue.cancel(timer);
      },
    };
    invokeProvider(this.provider, { documentId, keyHint }, context, (outcome) => {
      if (world.closed) return;
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
      if (attempt >= world.config.providerAttemptsMax) {
        giveUp(`its provider failed ${attempt} times (last: ${outcome.failure}: ${outcome.message})`);
        return;
      }
      world.queue.timer({
        key: `retry:${clientId}#${callNumber}`,
        actor: clientId,
        resources: [clientId],
        delayMs: world.config.retryBackoffMs * 2 ** (attempt - 1),
        action: () => this.attempt(documentId, keyHint, attempt + 1, onAnswer, giveUp),
      });
    });
  }
}
