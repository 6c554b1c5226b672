import type { DatabaseHandle } from '../database/handles.ts';
import type { KeyStore } from '../providers/types.ts';

/**
 * What the integrator's backend gets from the simulated server machine it runs on, at each start of the
 * backend process (`createBackend`) and once per run before any browser arrives (`setup`).
 */
export interface BackendEnv {
  /** The run's SQL database (PGlite's `query`, `exec`, `transaction`): every statement is a scheduled event. */
  readonly db: DatabaseHandle;
  /** The key-value store the providers share, for Redis-like backends. */
  readonly keyStore: KeyStore;
  /** The backend machine's wall clock, ms since the epoch. Inside the backend, `Date.now()` answers the same. */
  now(): number;
  /** A float in [0, 1) from the backend machine's seeded stream (what `Math.random()` answers inside it). */
  random(): number;
  /** `length` bytes from the backend machine's seeded stream. */
  randomBytes(length: number): Uint8Array;
  /** Resolves after `ms` of the backend machine's virtual time. */
  sleep(ms: number): Promise<void>;
}

/** A Fetch-standard handler: what rtc-sim serves every request with, whatever shape the backend returned. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** A Node request listener (an Express or Connect app qualifies); served through light-my-request. */
export type NodeRequestListener = (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => unknown;

/**
 * Whether a function is a Node request listener rather than a Fetch handler or a factory: it declares two or
 * more parameters `(req, res)`, or it carries `handle` or `listen` (an Express or Connect app). The one rule
 * the loader (a default export) and the adapter (what createBackend returned) both read. May throw: the
 * function is the backend's (a Proxy's traps).
 */
export function isNodeListener(value: (...args: never[]) => unknown): value is NodeRequestListener {
  const record = value as unknown as Record<string, unknown>;
  return value.length >= 2 || typeof record['handle'] === 'function' || typeof record['listen'] === 'function';
}

/** What `createBackend(env)` may return (or resolve to). */
export type BackendApp =
  | ((request: Request) => Response | PromiseLike<Response>)
  | { fetch(request: Request): Response | PromiseLike<Response> }
  | NodeRequestListener;

/**
 * An app exported as it is (`export default app`), started afresh with its module: a Hono app or `{ fetch }` as
 * Workers and Bun write it, whose `fetch` gets the backend's env second (Hono's `c.env`), or an Express app or
 * Node request listener.
 */
export type DefaultApp = { fetch(request: Request, env: BackendEnv): Response | PromiseLike<Response> } | NodeRequestListener;

/** `createBackend(env)`: called at each start of the backend process; may be async. */
export type CreateBackend = (env: BackendEnv) => BackendApp | PromiseLike<BackendApp>;

/**
 * What a backend module exports: `createBackend` (or a default export of the same), and optionally `setup`.
 * A default export may also be an app (`DefaultApp`); CommonJS: `module.exports` is the default.
 */
export interface BackendModule {
  readonly createBackend?: CreateBackend;
  readonly default?: CreateBackend;
  /** Runs once per run before any browser arrives: migrations, seed rows. */
  readonly setup?: (env: BackendEnv) => void | PromiseLike<void>;
}

/** Which part of the contract a backend broke. */
export type BackendContractBreach =
  /** The module exports neither `createBackend`, a default function nor a default app. */
  | 'no-export'
  /** `setup(env)` threw or rejected. */
  | 'setup-threw'
  /** `createBackend(env)` threw or rejected. */
  | 'creation-threw'
  /** `createBackend(env)` returned something that is no handler, no `{ fetch }` and no request listener. */
  | 'not-a-handler'
  /** The handler threw or rejected while serving a request (served as a 500). */
  | 'handler-threw'
  /** The handler answered something that is not a Response (served as a 500). */
  | 'not-a-response';

/** A broken backend contract, as data. */
export interface BackendContractProblem {
  readonly kind: 'backend-contract';
  readonly problem: BackendContractBreach;
  readonly message: string;
}

export function backendProblem(problem: BackendContractBreach, message: string): BackendContractProblem {
  return { kind: 'backend-contract', problem, message };
}
