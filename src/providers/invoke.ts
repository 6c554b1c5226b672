import { describeThrown } from '../errors.ts';
import { checkAnswer, type ValidAnswer } from './contract.ts';
import type { Realm } from './realm.ts';
import type { EncryptionProvider } from './types.ts';

/** How one provider call ended. */
export type CallOutcome =
  | ValidAnswer
  | { readonly ok: false; readonly failure: 'rejected' | 'threw' | 'timeout'; readonly message: string }
  | { readonly ok: false; readonly failure: 'contract'; readonly message: string };

/** What a call needs from the world: the realm, and a virtual-time timeout it can cancel. */
export interface CallContext {
  readonly realm: Realm;
  /** Starts the timeout; returns a function that cancels it. */
  startTimeout(onTimeout: () => void): () => void;
}

/**
 * Calls a provider and reports exactly one outcome: its answer (checked against the contract), a rejection, a
 * synchronous throw, or a timeout in virtual time when it never settles. Whatever the provider does later
 * (settling twice, settling after the timeout) is ignored.
 */
export function invokeProvider(
  provider: EncryptionProvider,
  request: { documentId: string; keyHint: string | null },
  context: CallContext,
  done: (outcome: CallOutcome) => void,
): void {
  let finished = false;
  const finish = (outcome: CallOutcome): void => {
    if (finished) return;
    finished = true;
    cancelTimeout();
    done(outcome);
  };
  const cancelTimeout = context.startTimeout(() =>
    finish({ ok: false, failure: 'timeout', message: 'the provider did not settle before the timeout' }),
  );
  let returned: unknown;
  context.realm.touch();
  try {
    returned = provider({ documentId: request.documentId, keyHint: request.keyHint });
  } catch (error) {
    finish({ ok: false, failure: 'threw', message: describeThrown(error) });
    return;
  }
  context.realm.observe(
    returned,
    (value) => {
      const checked = checkAnswer(value);
      finish(checked.ok ? checked : { ok: false, failure: 'contract', message: checked.problem });
    },
    (reason) => finish({ ok: false, failure: 'rejected', message: describeThrown(reason) }),
  );
}
