import { describe, expect, it } from 'vitest';
import { secureContextRequired } from '../../src/config/origin.ts';
import { describeClientFailure, describeWaitingReason, type DisconnectCause, type WaitingReason } from '../../src/model/client-outcomes.ts';

// The words the liveness report prints for a client that never collaborated, and the failure line of one
// that gave up: each kind has its own sentence, and a reader acts on it.
describe('what a waiting client waits for, in words', () => {
  const cases: [WaitingReason, string][] = [
    [{ kind: 'arrival' }, 'arrival'],
    [{ kind: 'token-provider' }, 'its token provider'],
    [{ kind: 'request-answer' }, 'the server to answer requestSession'],
    [{ kind: 'provider-answer', keyHint: null }, 'its provider to answer keyHint null'],
    [{ kind: 'provider-answer', keyHint: '2026-01-01' }, 'its provider to answer keyHint "2026-01-01"'],
    [{ kind: 'create-answer' }, 'the server to accept or reject createSession'],
    [{ kind: 'announcement', after: 'session-pending' }, 'newSessionAvailable (a session is being established)'],
    [{ kind: 'announcement', after: 'create-rejected' }, 'newSessionAvailable (its create was rejected)'],
    [{ kind: 'own-announcement' }, 'newSessionAvailable for its own session'],
    [{ kind: 'session-metadata' }, 'the session metadata (sessionExists)'],
    [{ kind: 'nothing' }, 'nothing'],
    [{ kind: 'gave-up' }, 'nothing (it gave up)'],
  ];
  it.each(cases)('%j reads as %s', (reason, words) => {
    expect(describeWaitingReason(reason)).toBe(words);
  });

  const causes: [DisconnectCause, string][] = [
    [{ kind: 'connection-dropped' }, 'the connection dropped'],
    [{ kind: 'browser-crashed' }, 'the browser crashed'],
    [{ kind: 'page-reloaded' }, 'the page reloaded'],
    [{ kind: 'server-restarted' }, 'the server restarted'],
    [{ kind: 'server-down' }, 'the server is down'],
    [{ kind: 'jwt', problem: 'JWT has expired' }, 'rtc_server_disconnected reason "jwt": JWT has expired'],
  ];
  it.each(causes)('a reconnection after %j names its cause: %s', (cause, words) => {
    expect(describeWaitingReason({ kind: 'reconnection', cause })).toBe(`its reconnection (${words})`);
  });

  it('an unknown kind is a programmer error, not a sentence', () => {
    expect(() => describeWaitingReason({ kind: 'bogus' } as unknown as WaitingReason)).toThrow('unhandled case: {"kind":"bogus"}');
    expect(() => describeWaitingReason({ kind: 'reconnection', cause: { kind: 'bogus' } } as unknown as WaitingReason)).toThrow('unhandled case: {"kind":"bogus"}');
  });
});

describe('why a client gave up, in words', () => {
  it('sealing and opening failures say which, with the hint and the reason', () => {
    expect(describeClientFailure({ kind: 'encryption', operation: 'seal', error: 'key too short' })).toBe('encryption: sealing the new session failed: key too short');
    expect(describeClientFailure({ kind: 'encryption', operation: 'open', keyHint: 'h1', reason: 'the session key could not be unwrapped' })).toBe(
      'encryption: with the key its provider gave for hint "h1", the session key could not be unwrapped',
    );
  });

  it('a module that was not created names the module and the problem', () => {
    expect(describeClientFailure({ kind: 'module-not-created', module: 'token provider', problem: 'it threw' })).toBe('its token provider could not be created: it threw');
    expect(describeClientFailure({ kind: 'module-not-created', module: 'provider', problem: 'no export' })).toBe('its provider could not be created: no export');
  });

  it("a provider that was given up on is told in the caller's words; an insecure page in the plugin's", () => {
    expect(describeClientFailure({ kind: 'provider-gave-up', reason: 'its provider failed 5 times in a row' })).toBe('its provider failed 5 times in a row');
    expect(describeClientFailure({ kind: 'insecure-context' })).toBe(secureContextRequired);
    expect(secureContextRequired).toBe('RTC services require a secure context');
  });

  it('an unknown kind is a programmer error', () => {
    expect(() => describeClientFailure({ kind: 'bogus' } as never)).toThrow('unhandled case: {"kind":"bogus"}');
  });
});
