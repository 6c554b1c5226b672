// Indeterminate outcomes, after Jepsen's `:info` operations: a request whose answer never came back (it timed
// out, or its connection dropped) may have been applied or not, and the caller cannot tell. The fault plan
// sets how often such a request was applied; this is the one place that decides each one, from a seeded
// stream of its own per kind of request, so that the key store's decisions never shift an HTTP request's.
import type { RandomStreams } from '../kernel/random.ts';

/** The kinds of request whose outcome can be indeterminate (the key store today; HTTP and SQL can join). */
export type IndeterminateKind = 'key-store-operation';

/** Why the caller got no answer. */
export type IndeterminateCause = 'timed-out' | 'connection-dropped';

/** What happened to a request whose caller got no answer: the trace says which, the caller never learns. */
export interface IndeterminateOutcome {
  readonly kind: IndeterminateKind;
  readonly cause: IndeterminateCause;
  readonly applied: boolean;
}

/** What deciding needs: the run's streams, and the share of such requests that were applied. */
export interface IndeterminateQuestion {
  readonly streams: RandomStreams;
  readonly kind: IndeterminateKind;
  readonly cause: IndeterminateCause;
  /** The chance, in [0, 1], that a request left without an answer was applied anyway. */
  readonly appliedRate: number;
}

/** Decides whether one request left without an answer was applied (a rate of 0 draws nothing: older plans replay as before). */
export function decideIndeterminate(question: IndeterminateQuestion): IndeterminateOutcome {
  const { streams, kind, cause, appliedRate } = question;
  const applied = appliedRate > 0 && streams.get(`indeterminate:${kind}`).next() < appliedRate;
  return { kind, cause, applied };
}

/** The outcome in the trace's words: `timed out — applied`, `connection dropped — not applied`. */
export function describeIndeterminate(outcome: IndeterminateOutcome): string {
  const cause = outcome.cause === 'timed-out' ? 'timed out' : 'connection dropped';
  return `${cause} — ${outcome.applied ? 'applied' : 'not applied'}`;
}

