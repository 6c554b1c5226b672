import type { ClientFailure, WaitingReason } from './client-outcomes.ts';
import type { BackendContractBreach } from '../backend/contract.ts';
import type { StatementOutcome } from '../database/records.ts';
import type { NetworkMessage } from './messages.ts';
import type { IndeterminateOutcome } from './indeterminate.ts';

/** The states a client moves through while it joins a document. */
export type ClientState =
  | 'requesting'
  | 'creating'
  | 'create-sent'
  | 'establishing'
  | 'waiting'
  | 'joining'
  | 'collaborating'
  | 'disconnected'
  | 'failed';

/** What one client is doing, as the world sees it when the liveness checker must judge. */
export interface ClientStatus {
  readonly client: string;
  readonly state: ClientState;
  readonly waitingFor: WaitingReason;
}

/** Why a provider call did not give an answer. */
export type ProviderFailure = 'rejected' | 'threw' | 'timeout';

/** Something that happened in the simulated world, as the trace records it. */
export type Observation =
  | { readonly kind: 'arrive'; readonly actor: string; readonly documentId: string }
  | { readonly kind: 'deliver'; readonly actor: string; readonly from: string; readonly message: NetworkMessage }
  | {
      readonly kind: 'provider-call';
      readonly actor: string;
      readonly documentId: string;
      readonly keyHint: string | null;
      readonly attempt: number;
    }
  | {
      readonly kind: 'provider-answer';
      readonly actor: string;
      readonly documentId: string;
      readonly requestedHint: string | null;
      readonly key: string;
      readonly keyHint: string;
      readonly hintGiven: boolean;
    }
  | {
      readonly kind: 'provider-failure';
      readonly actor: string;
      readonly documentId: string;
      readonly requestedHint: string | null;
      readonly failure: ProviderFailure;
      readonly message: string;
    }
  | { readonly kind: 'provider-contract'; readonly actor: string; readonly problem: string }
  | {
      readonly kind: 'store';
      readonly actor: string;
      readonly operation: string;
      readonly key: string;
      readonly value?: string;
      readonly result: string;
      /** For an operation whose caller got no answer (timed out, or its browser crashed): whether it was applied. */
      readonly indeterminate?: IndeterminateOutcome;
    }
  | {
      readonly kind: 'session';
      readonly actor: 'server';
      readonly documentId: string;
      readonly status: 'pending' | 'established' | 'released';
      readonly owner: string;
      readonly keyHint: string;
    }
  | {
      readonly kind: 'state';
      readonly actor: string;
      readonly documentId: string;
      readonly state: Exclude<ClientState, 'failed'>;
      readonly waitingFor: WaitingReason;
      /**
       * For `create-sent` and `collaborating`: the provider key the client holds, and the content it uploads
       * or decrypted. Known to the model for checking; the key never reaches the server.
       */
      readonly key?: string;
      readonly content?: string;
    }
  | {
      readonly kind: 'state';
      readonly actor: string;
      readonly documentId: string;
      readonly state: 'failed';
      readonly failure: ClientFailure;
      /** A client that gave up holds nothing (declared so that `record.key` reads on any state record). */
      readonly key?: never;
      readonly content?: never;
    }
  | { readonly kind: 'console'; readonly actor: string; readonly level: string; readonly text: string }
  | { readonly kind: 'fault'; readonly actor: string; readonly fault: string; readonly detail: string }
  /**
   * A backend instance (the actor: its address) started, began serving, was drained by a rolling deploy or
   * stopped after it; or broke its contract (a failed start) or failed a request (a 500).
   */
  | { readonly kind: 'backend'; readonly actor: string; readonly event: 'starting' | 'serving' | 'draining' | 'retired'; readonly detail: string }
  | { readonly kind: 'backend'; readonly actor: string; readonly event: 'contract' | 'problem'; readonly problem: BackendContractBreach; readonly detail: string }
  /** One SQL statement reached the engine: who issued it (a request, `c1.2`), its text and what it did. */
  | { readonly kind: 'sql'; readonly actor: 'database'; readonly key: string; readonly caller: string; readonly text: string; readonly outcome: StatementOutcome }
  /** A page's timer fired; `aborted` names the fetches its callback aborted (`AbortSignal.timeout` aborts its own). */
  | { readonly kind: 'timer'; readonly actor: string; readonly timer: number; readonly source: 'setTimeout' | 'setInterval' | 'AbortSignal.timeout'; readonly delayMs: number; readonly aborted: readonly string[] }
  /** A page's fetch was aborted by its signal outside any timer callback (`reason`: AbortError, TimeoutError …). */
  | { readonly kind: 'abort'; readonly actor: string; readonly request: string; readonly reason: string }
  /** Provider code reached a real clock, real randomness, a real timer or the network. */
  | {
      readonly kind: 'nondeterminism';
      readonly actor: string;
      readonly api: string;
      readonly detail: string;
      /** Whose code did it: a backend instance's (absent: a browser's provider or token provider). */
      readonly origin?: 'backend';
    }
  | {
      readonly kind: 'auth';
      readonly actor: 'server';
      readonly client: string;
      readonly documentId: string;
      readonly ok: boolean;
      /** For an admitted token: its role and the document it is limited to, if any. */
      readonly role?: string;
      readonly tokenDocument?: string;
      /** For a refused token: the exact error text. */
      readonly error?: string;
    }
  | { readonly kind: 'phase'; readonly actor: 'world'; readonly phase: string; readonly detail: string }
  | {
      readonly kind: 'probe';
      readonly actor: string;
      /** How long after the race settled the probe opened the document. */
      readonly horizonMs: number;
      readonly documentId: string;
      readonly keyHint: string;
      readonly expectedKey: string;
      readonly key?: string;
      readonly failure?: string;
    }
  /** The liveness deadline passed with the race still on: what every client is doing (the checker judges). */
  | { readonly kind: 'liveness-deadline'; readonly actor: 'world'; readonly clients: readonly ClientStatus[] }
  /** Nothing was left to happen, yet the world had not finished: what every client is doing then. */
  | { readonly kind: 'stalled'; readonly actor: 'world'; readonly clients: readonly ClientStatus[] };

/** An observation stamped with when it happened. */
export type TraceRecord = Observation & { readonly step: number; readonly timeMs: number };
