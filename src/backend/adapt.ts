import { describeThrown } from '../errors.ts';
import { backendProblem, isNodeListener, type BackendContractProblem, type FetchHandler, type NodeRequestListener } from './contract.ts';
import { fetchFromListener } from './node-listener.ts';

/** How the adapted handler runs the backend's code and says what went wrong. */
export interface AdaptOptions {
  /** Runs a synchronous call into the backend's code as its machine (the sandbox's `runAs`); absent: plainly. */
  readonly runAs?: <T>(action: () => T) => T;
  /** Receives every request the backend failed to serve (`handler-threw`, `not-a-response`), so that the trace can show it. */
  readonly report?: (problem: BackendContractProblem) => void;
  /** The backend machine's clock, for the `Date` header Node's server adds to a request listener's answers (absent: the epoch). */
  readonly now?: () => number;
}

/** The one handler rtc-sim serves with, or why the value `createBackend` returned is none. */
export type Adapted = { readonly ok: true; readonly handler: FetchHandler } | { readonly ok: false; readonly problem: BackendContractProblem };

/**
 * Turns whatever `createBackend(env)` returned into one Fetch-standard handler:
 * - an object with a `fetch(request)` method (a Hono app) → that method, bound to the object;
 * - a function that looks like a Node request listener — it declares two or more parameters, or it carries
 *   `handle` or `listen` (an Express or Connect app) → served through light-my-request (node-listener.ts);
 * - any other function → a Fetch-standard handler `(request) => Response`.
 *
 * A request the backend fails to serve is answered `500 Internal Server Error`, as Node servers, Hono and
 * Express answer an uncaught error in a route, and the failure is passed to `report` as data: the handler
 * threw or rejected (`handler-threw`), or answered something that is not a Response (`not-a-response`). A
 * Response made by another realm or a polyfill (anything with `status`, `headers` and `arrayBuffer()`) is
 * copied into a real one.
 */
export function adaptBackend(app: unknown, options: AdaptOptions = {}): Adapted {
  const runAs = options.runAs ?? (<T>(action: () => T): T => action());
  const report = options.report ?? (() => undefined);
  const shape = shapeOf(app);
  switch (shape.kind) {
    case 'fetch-object':
      return { ok: true, handler: answering((request) => runAs(() => shape.fetch.call(app, request)), report) };
    case 'fetch-function':
      return { ok: true, handler: answering((request) => runAs(() => shape.fetch(request)), report) };
    case 'node-listener': {
      const listener: NodeRequestListener = (request, response) => runAs(() => shape.listener(request, response));
      return { ok: true, handler: answering(fetchFromListener(listener, options.now ?? (() => 0)), report) };
    }
    case 'none':
      return {
        ok: false,
        problem: backendProblem('not-a-handler', `createBackend(env) must return a Fetch-standard handler (request) => Response, an object with fetch(request) (a Hono app) or a Node request listener (req, res) (an Express app), got ${shape.got}`),
      };
  }
}

type Shape =
  | { readonly kind: 'fetch-object'; readonly fetch: (request: Request) => unknown }
  | { readonly kind: 'fetch-function'; readonly fetch: (request: Request) => unknown }
  | { readonly kind: 'node-listener'; readonly listener: NodeRequestListener }
  | { readonly kind: 'none'; readonly got: string };

// Read defensively: the value is the backend's, and may be a Proxy whose every trap throws.
function shapeOf(app: unknown): Shape {
  try {
    if (typeof app === 'function') {
      const fn = app as (...args: never[]) => unknown;
      return isNodeListener(fn) ? { kind: 'node-listener', listener: fn } : { kind: 'fetch-function', fetch: app as (request: Request) => unknown };
    }
    if (typeof app === 'object' && app !== null) {
      const fetch = (app as Record<string, unknown>)['fetch'];
      if (typeof fetch === 'function') return { kind: 'fetch-object', fetch: fetch as (request: Request) => unknown };
      const keys = Object.keys(app);
      return { kind: 'none', got: keys.length > 0 ? `an object with ${keys.slice(0, 5).join(', ')} but no fetch method` : 'an object with no fetch method' };
    }
    return { kind: 'none', got: app === null ? 'null' : typeof app };
  } catch (error) {
    return { kind: 'none', got: `a value that could not be read (${describeThrown(error)})` };
  }
}

/** Wraps a handler so that it always resolves to a real Response: a failure is a 500 and a reported problem. */
function answering(serve: (request: Request) => unknown, report: (problem: BackendContractProblem) => void): FetchHandler {
  return async (request) => {
    const failed = (problem: BackendContractProblem): Response => {
      report(problem);
      return new Response('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    };
    let answered: unknown;
    try {
      answered = await serve(request);
    } catch (error) {
      return failed(backendProblem('handler-threw', `the backend threw while serving ${request.method} ${pathOf(request)}: ${describeThrown(error)}`));
    }
    const response = await asResponse(answered);
    if (response !== undefined) return response;
    return failed(backendProblem('not-a-response', `the backend answered ${request.method} ${pathOf(request)} with ${describeAnswer(answered)}, not a Response`));
  };
}

async function asResponse(value: unknown): Promise<Response | undefined> {
  if (value instanceof Response) return value;
  try {
    // Anything with a numeric status and arrayBuffer() (null and primitives have neither).
    const like = Object(value) as { status?: unknown; statusText?: unknown; headers?: unknown; arrayBuffer?: unknown };
    if (typeof like.status !== 'number' || typeof like.arrayBuffer !== 'function') return undefined;
    const headers = new Headers(like.headers as HeadersInit | undefined);
    // The null-body statuses a Response can have (101 cannot be constructed: such a value is no Response).
    const bodyless = [204, 205, 304].includes(like.status);
    const body = bodyless ? null : await (like.arrayBuffer as () => Promise<ArrayBuffer>).call(value);
    return new Response(body, { status: like.status, statusText: typeof like.statusText === 'string' ? like.statusText : '', headers });
  } catch {
    // A Response-like whose reads throw, or that no Response can copy, is none.
  }
  return undefined;
}

function pathOf(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

function describeAnswer(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  return typeof value === 'object' ? `an object (${describeThrown(value)})` : `a ${typeof value} (${describeThrown(value)})`;
}
