import type { TraceRecord } from '../model/observations.ts';

/** The properties rtc-sim checks; each names a promise the seeds make or the contract states. */
export type PropertyName =
  | 'single-session'
  | 'agreement'
  | 'hint-stability'
  | 'retention'
  | 'liveness'
  | 'content-integrity'
  | 'provider-contract'
  | 'authorization'
  | 'determinism';

/** A broken property, with where in the run it broke. */
export interface Violation {
  readonly property: PropertyName;
  readonly message: string;
  readonly actor: string;
  readonly step: number;
  readonly timeMs: number;
}

/** An observer of the trace: it reads records and never changes the world. Returns a message on violation. */
export interface Checker {
  readonly property: PropertyName;
  /** The record kinds it reads: a run that keeps no trace need not build the others. */
  readonly kinds: readonly TraceRecord['kind'][];
  observe(record: TraceRecord): string | undefined;
}
