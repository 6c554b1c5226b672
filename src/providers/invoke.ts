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

/** How a call into user code ended: its settled value, a synchronous throw, a rejection, or a timeout. */
export type UserCallEnd =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'threw' | 'rejected'; readonly reason: unknown }
  | { readonly kind: 'timeout' };

/**
 * Calls user code once and reports exactly one end: what its returned thenable settled to, a synchronous
 * throw, a rejection, or a timeout in virtual time when it never settles. Whatever the code does later
 * (settling twice, settling after the timeout) is ignored. Provider and token provider calls both go here.
 */
export function callUserCode(call: () => unknown, context: CallContext, done: (end: UserCallEnd) => void): void {
  let finished = false;
  const finish = (end: UserCallEnd): void => {
    if (finished) return;
    finished = true;
    cancelTimeout();
    done(end);
  };
  const cancelTimeout = context.startTimeout(() => finish({ kind: 'timeout' }));
  let returned: unknown;
  context.realm.touch();
  try {
    returned = call();
  } catch (error) {
    finish({ kind: 'threw', reason: error });
    return;
  }
  context.realm.observe(
    returned,
    (value) => finish({ kind: 'value', value }),
    (reason) => finish({ kind: 'rejected', reason }),
  );
}

/** Calls a provider and reports its answer (checked against the contract), or why there is none. */
export function invokeProvider(
  provider: EncryptionProvider,
  request: { documentId: string; keyHint: string | null },
  context: CallContext,
  done: (outcome: CallOutcome) => void,
): void {
  callUserCode(() => provider({ documentId: request.documentId, keyHint: request.keyHint }), context, (end) => {
    if (end.kind === 'timeout') return done({ ok: false, failure: 'timeout', message: 'the provider did not settle before the timeout' });
    if (end.kind !== 'value') return done({ ok: false, failure: end.kind, message: describeThrown(end.reason) });
    const checked = checkAnswer(end.value);
    done(checked.ok ? checked : { ok: false, failure: 'contract', message: checked.problem });
  });
}
