import { describeThrown } from '../../errors.ts';
import { callUserCode, type CallContext } from '../../providers/invoke.ts';
import type { TokenProvider } from './token-source.ts';

/**
 * Calls `rtc_token_provider({ documentId })` once and reports the token or why there is none — a throw, a
 * rejection, a timeout, or an answer without a string `token`. Later settlements are ignored.
 */
export function callTokenProvider(provider: TokenProvider, documentId: string, context: CallContext, done: (outcome: { ok: true; token: string } | { ok: false; problem: string }) => void): void {
  callUserCode(() => provider({ documentId }), context, (end) => {
    if (end.kind === 'timeout') return done({ ok: false, problem: 'the token provider did not settle before the timeout' });
    if (end.kind !== 'value') {
      const how = end.kind === 'threw' ? 'threw' : 'rejected:';
      return done({ ok: false, problem: `the token provider ${how} ${describeThrown(end.reason)}` });
    }
    let token: unknown;
    try {
      // Stryker disable next-line OptionalChaining: reading from null throws, and the catch below gives the same answer
      token = (end.value as { token?: unknown } | null)?.token;
    } catch (error) {
      token = error;
    }
    done(typeof token === 'string' ? { ok: true, token } : { ok: false, problem: 'the token provider must answer { token: string }' });
  });
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
