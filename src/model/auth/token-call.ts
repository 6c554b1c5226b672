import { describeThrown } from '../../errors.ts';
import type { Realm } from '../../providers/realm.ts';
import type { TokenProvider } from './token-source.ts';

/** What a token call needs from the world: the realm, and a virtual-time timeout it can cancel. */
export interface TokenCallContext {
  readonly realm: Realm;
  startTimeout(onTimeout: () => void): () => void;
}

/**
 * Calls `rtc_token_provider({ documentId })` once and reports the token or why there is none — a throw, a
 * rejection, a timeout, or an answer without a string `token`. Later settlements are ignored.
 */
export function callTokenProvider(provider: TokenProvider, documentId: string, context: TokenCallContext, done: (outcome: { ok: true; token: string } | { ok: false; problem: string }) => void): void {
  let finished = false;
  const finish = (outcome: { ok: true; token: string } | { ok: false; problem: string }): void => {
    if (finished) return;
    finished = true;
    cancel();
    done(outcome);
  };
  const cancel = context.startTimeout(() => finish({ ok: false, problem: 'the token provider did not settle before the timeout' }));
  let returned: unknown;
  context.realm.touch();
  try {
    returned = provider({ documentId });
  } catch (error) {
    finish({ ok: false, problem: `the token provider threw ${describeThrown(error)}` });
    return;
  }
  context.realm.observe(
    returned,
    (value) => {
      let token: unknown;
      try {
        token = (value as { token?: unknown } | null)?.token;
      } catch (error) {
        token = error;
      }
      finish(typeof token === 'string' ? { ok: true, token } : { ok: false, problem: 'the token provider must answer { token: string }' });
    },
    (reason) => finish({ ok: false, problem: `the token provider rejected: ${describeThrown(reason)}` }),
  );
}

/** The lifetime a token states (exp − iat, in ms), if its payload can be read; for scheduling its refresh. */
export function tokenLifetimeMs(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown; iat?: unknown };
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp <= payload.iat) return undefined;
    return (payload.exp - payload.iat) * 1000;
  } catch {
    return undefined;
  }
}
