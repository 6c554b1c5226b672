// Protocol moments, after FoundationDB's buggify and CrashMonkey's crash points: the model says when one of
// these narrow windows opens (WorldContext.moment), and the fault verbs that wait for it decide what happens
// there — so a crash lands inside the window in tens of runs instead of by luck in thousands.

import { assertNever } from '../kernel/assert-never.ts';

/** The names of the moments a fault can wait for, in the order they come in one client's race. */
export const momentNames = ['provider-answered', 'session-pending', 'session-established', 'write-sent'] as const;

/** One moment's name. */
export type MomentName = (typeof momentNames)[number];

/** A moment as the model reports it: which one, and which client it belongs to. */
export interface ProtocolMoment {
  readonly kind: MomentName;
  readonly client: string;
}

/** A moment in words, after "right after" or "while": for the config line. */
export function describeMoment(name: MomentName): string {
  switch (name) {
    case 'provider-answered':
      return 'its provider answers';
    case 'session-pending':
      return 'the server holds its createSession as pending (not yet accepted by the client)';
    case 'session-established':
      return 'the server establishes its session (before its announcement comes back)';
    case 'write-sent':
      return 'it sends a key-store write (before the acknowledgement)';
    default:
      return assertNever(name, 'moment');
  }
}
