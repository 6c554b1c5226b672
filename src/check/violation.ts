import type { ClientFailure } from '../model/client-outcomes.ts';
import type { ClientStatus, TraceRecord } from '../model/observations.ts';

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

/** A client's key, and who it is. */
interface Holder {
  readonly owner: string;
  readonly key: string;
}

/** A client still waiting, and, when its provider has been failing since its last answer, how often and how last. */
export type WaitingClient = ClientStatus & { readonly providerFailing?: { readonly times: number; readonly last: string } };

/** What a checker saw break, as data; `describeFinding` puts it in words. */
export type Finding =
  | { readonly kind: 'two-sessions'; readonly documentId: string; readonly firstOwner: string; readonly secondOwner: string }
  | { readonly kind: 'cannot-open'; readonly client: string; readonly documentId: string; readonly failure: ClientFailure; readonly winner: Holder | undefined }
  | { readonly kind: 'key-differs-from-winner'; readonly client: string; readonly documentId: string; readonly key: string; readonly winner: Holder }
  | { readonly kind: 'hint-answered-twice'; readonly documentId: string; readonly keyHint: string; readonly first: Holder; readonly second: Holder }
  | { readonly kind: 'probe-failed'; readonly probe: string; readonly horizonMs: number; readonly documentId: string; readonly keyHint: string; readonly failure: string }
  | { readonly kind: 'probe-wrong-key'; readonly probe: string; readonly horizonMs: number; readonly documentId: string; readonly keyHint: string; readonly key: string; readonly expectedKey: string }
  | { readonly kind: 'gave-up'; readonly client: string; readonly documentId: string; readonly failure: ClientFailure }
  /** At the liveness deadline, or when nothing was left to happen before the world finished. */
  | { readonly kind: 'not-settled'; readonly when: 'deadline' | 'stalled'; readonly waiting: readonly WaitingClient[] }
  | { readonly kind: 'content-before-session'; readonly client: string; readonly documentId: string }
  | { readonly kind: 'content-differs-from-winner'; readonly client: string; readonly documentId: string; readonly content: string | undefined; readonly winner: { readonly owner: string; readonly content: string } }
  /** `whose`: the code that broke it, a browser's provider (`client` names the browser) or a backend instance's (`client` is its address). */
  | { readonly kind: 'contract-broken'; readonly client: string; readonly whose: CodeOwner; readonly problem: string }
  | { readonly kind: 'viewer-wrote'; readonly client: string; readonly documentId: string; readonly status: 'pending' | 'established' }
  | { readonly kind: 'session-without-token'; readonly client: string; readonly messageType: string; readonly documentId: string }
  | { readonly kind: 'token-for-other-document'; readonly client: string; readonly tokenDocument: string; readonly documentId: string }
  /** `client` is `world` when no client could be named; `whose` as for `contract-broken`. */
  | { readonly kind: 'nondeterminism'; readonly client: string; readonly whose: CodeOwner; readonly api: string; readonly detail: string };

/** Whose code a finding is about: the provider's (in a browser) or the integrator's backend's. */
export type CodeOwner = 'provider' | 'backend';

/**
 * A broken property: what broke (a finding, by `kind`), in words (made once, from the finding), and where in
 * the run it broke. `recordIndex` is the index in the run's trace of the record that broke it, when the run
 * kept a trace.
 */
export type Violation = Finding & {
  readonly property: PropertyName;
  readonly message: string;
  readonly actor: string;
  readonly step: number;
  readonly timeMs: number;
  readonly recordIndex?: number;
};

/** An observer of the trace: it reads records and never changes the world. Returns a finding on violation. */
export interface Checker {
  readonly property: PropertyName;
  /** The record kinds it reads: a run that keeps no trace need not build the others. */
  readonly kinds: readonly TraceRecord['kind'][];
  observe(record: TraceRecord): Finding | undefined;
}

/** A trace record of one kind. */
export type RecordOf<K extends TraceRecord['kind']> = Extract<TraceRecord, { readonly kind: K }>;

/** What a checker does with each kind of record it reads: a finding, or nothing (it only took note). */
export type Readers = { readonly [K in TraceRecord['kind']]?: (record: RecordOf<K>) => Finding | undefined | void };

/**
 * A checker from its readers, one per kind of record: the kinds it reads are the readers it has, so what it
 * subscribes to and what it handles cannot disagree, and each reader gets its kind already narrowed.
 */
export function checkerOf(property: PropertyName, readers: Readers): Checker {
  return {
    property,
    kinds: Object.keys(readers) as TraceRecord['kind'][],
    observe: (record) => (readers[record.kind] as ((record: TraceRecord) => Finding | undefined) | undefined)?.(record),
  };
}
