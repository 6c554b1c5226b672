import { secureContextRequired } from '../config/origin.ts';
import { assertNever } from '../kernel/assert-never.ts';

/** Why a client's connection dropped, and so what its reconnection waits behind. */
export type DisconnectCause =
  | { readonly kind: 'connection-dropped' }
  | { readonly kind: 'browser-crashed' }
  | { readonly kind: 'page-reloaded' }
  | { readonly kind: 'server-restarted' }
  | { readonly kind: 'server-down' }
  /** `rtc_server_disconnected` with reason `jwt`: the token was refused or could not be had. */
  | { readonly kind: 'jwt'; readonly problem: string };

/** What a client that is not collaborating waits for. */
export type WaitingReason =
  | { readonly kind: 'arrival' }
  | { readonly kind: 'reconnection'; readonly cause: DisconnectCause }
  | { readonly kind: 'token-provider' }
  | { readonly kind: 'request-answer' }
  | { readonly kind: 'provider-answer'; readonly keyHint: string | null }
  | { readonly kind: 'create-answer' }
  | { readonly kind: 'announcement'; readonly after: 'session-pending' | 'create-rejected' }
  | { readonly kind: 'own-announcement' }
  | { readonly kind: 'session-metadata' }
  | { readonly kind: 'nothing' }
  | { readonly kind: 'gave-up' };

/** Why a client gave up on its document. */
export type ClientFailure =
  /** Its session could not be sealed, or the session key not unwrapped with the key its provider gave. */
  | { readonly kind: 'encryption'; readonly operation: 'seal'; readonly error: string }
  | { readonly kind: 'encryption'; readonly operation: 'open'; readonly keyHint: string; readonly reason: string }
  | { readonly kind: 'module-not-created'; readonly module: 'provider' | 'token provider'; readonly problem: string }
  /** Its provider caller stopped asking (contract breach, or too many failures in a row); the caller's words. */
  | { readonly kind: 'provider-gave-up'; readonly reason: string }
  /** Its page is not a secure context (no SubtleCrypto): the plugin stops before it starts. */
  | { readonly kind: 'insecure-context' };

/** A waiting reason in words: "its provider to answer keyHint null". */
export function describeWaitingReason(reason: WaitingReason): string {
  switch (reason.kind) {
    case 'arrival':
      return 'arrival';
    case 'reconnection':
      return `its reconnection (${describeDisconnectCause(reason.cause)})`;
    case 'token-provider':
      return 'its token provider';
    case 'request-answer':
      return 'the server to answer requestSession';
    case 'provider-answer':
      return `its provider to answer keyHint ${JSON.stringify(reason.keyHint)}`;
    case 'create-answer':
      return 'the server to accept or reject createSession';
    case 'announcement':
      return `newSessionAvailable (${reason.after === 'session-pending' ? 'a session is being established' : 'its create was rejected'})`;
    case 'own-announcement':
      return 'newSessionAvailable for its own session';
    case 'session-metadata':
      return 'the session metadata (sessionExists)';
    case 'nothing':
      return 'nothing';
    case 'gave-up':
      return 'nothing (it gave up)';
    default:
      return assertNever(reason);
  }
}

/** A client failure in words: "encryption: sealing the new session failed: …". */
export function describeClientFailure(failure: ClientFailure): string {
  switch (failure.kind) {
    case 'encryption':
      return failure.operation === 'seal'
        ? `encryption: sealing the new session failed: ${failure.error}`
        : `encryption: with the key its provider gave for hint ${JSON.stringify(failure.keyHint)}, ${failure.reason}`;
    case 'module-not-created':
      return `its ${failure.module} could not be created: ${failure.problem}`;
    case 'provider-gave-up':
      return failure.reason;
    case 'insecure-context':
      return secureContextRequired;
    default:
      return assertNever(failure);
  }
}

function describeDisconnectCause(cause: DisconnectCause): string {
  switch (cause.kind) {
    case 'connection-dropped':
      return 'the connection dropped';
    case 'browser-crashed':
      return 'the browser crashed';
    case 'page-reloaded':
      return 'the page reloaded';
    case 'server-restarted':
      return 'the server restarted';
    case 'server-down':
      return 'the server is down';
    case 'jwt':
      return `rtc_server_disconnected reason "jwt": ${cause.problem}`;
    default:
      return assertNever(cause);
  }
}
