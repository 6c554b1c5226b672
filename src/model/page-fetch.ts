import { defaultOrigin } from '../config/origin.ts';
import type { SimulatedFetch } from '../providers/machine-services.ts';
import type { Realm } from '../providers/realm.ts';
import { headerList, toWireBody, type HttpFailureReason, type HttpMessage } from './http-messages.ts';
import type { NetworkMessage } from './messages.ts';
import type { Endpoint, Network } from './network.ts';
import { pageResponse } from './page-response.ts';
import { noteAbort } from './browser/page-state.ts';
import type { WorldContext } from './world-context.ts';

interface PendingFetch {
  /** The module instance that asked: after a crash, the page that would have read the answer is gone. */
  readonly instance: number;
  readonly url: string;
  readonly realm: Realm;
  settle(outcome: { readonly ok: true; readonly response: Response } | { readonly ok: false; readonly error: unknown }): void;
}

const failureWords: Record<HttpFailureReason, string> = {
  'connection-refused': 'the backend refused the connection (it is down)',
  'connection-reset': 'the connection was reset (the backend crashed)',
  'response-lost': 'the connection dropped before the response arrived',
};

/**
 * The `fetch` of one browser's page (or of a retention probe's): a request goes over the simulated network to
 * the integrator's backend as one message, its answer comes back as another, and the promise settles in the
 * page's realm when it arrives. Relative URLs resolve against the page's origin. Every http(s) URL reaches the
 * integrator's backend (the instance its load balancer picks), whatever its host: rtc-sim simulates one
 * backend service, not the Internet.
 *
 * A request is aborted by its signal (the promise rejects with the signal's reason: an `AbortError`
 * DOMException, or `TimeoutError` for `AbortSignal.timeout`; the trace tells it, with the timer that fired
 * it), and its late response is dropped; a failed connection
 * rejects it with the `TypeError` a browser gives (`Failed to fetch`), naming what happened as its `cause`.
 */
export class PageFetch implements Endpoint {
  private requests = 0;
  private instance = 0;
  private readonly pending = new Map<string, PendingFetch>();

  constructor(
    private readonly world: WorldContext,
    private readonly network: Network,
    /** The browser's address: the network's connection is `c1↔backend`. */
    readonly id: string,
    /** Which backend instance a request from this browser goes to, asked as each is sent (the load balancer). */
    private readonly route: (from: string) => string,
  ) {}

  /** The fetch of a fresh module instance of this browser: answers meant for an instance before it are dropped. */
  fetchFor(realm: Realm): SimulatedFetch {
    // Stryker disable next-line UpdateOperator: only whether two instance numbers are equal matters
    const instance = ++this.instance;
    return (input, init) => this.fetch(instance, realm, input, init);
  }

  receive(_from: string, message: NetworkMessage): void {
    if (message.type !== 'http-response' && message.type !== 'http-failure') return;
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (pending.instance !== this.instance) return;
    if (message.type === 'http-response') {
      pending.settle({ ok: true, response: pageResponse(message, pending.url, pending.realm) });
    } else {
      pending.settle({ ok: false, error: new TypeError('Failed to fetch', { cause: new Error(failureWords[message.reason]) }) });
    }
  }

  private fetch(instance: number, realm: Realm, input: unknown, init: unknown): Promise<unknown> {
    const deferred = realm.deferred<unknown>();
    if (this.world.closed) {
      deferred.reject(new TypeError('Failed to fetch', { cause: new Error('the simulation run has ended') }));
      return deferred.promise;
    }
    let request: Request;
    try {
      request = new Request(resolved(input, this.world.config.origin), init as RequestInit | undefined);
    } catch (error) {
      deferred.reject(error);
      return deferred.promise;
    }
    // The caller's own signal, not the Request's copy: the host's Request follows a given signal only through
    // a weak reference, so whether an abort reached it would depend on the garbage collector.
    const signal = callerSignal(input, init) ?? request.signal;
    if (signal.aborted) {
      deferred.reject(signal.reason);
      return deferred.promise;
    }
    const id = `${this.id}.${++this.requests}`;
    let settled = false;
    const onAbort = (): void => {
      // Belt and braces with removeEventListener below: either alone keeps a settled fetch from aborting.
      // Stryker disable next-line ConditionalExpression: equivalent while the listener is removed on settling
      if (settled) return;
      this.pending.delete(id);
      noteAbort(this.world, this.id, `fetch ${request.method} ${shortUrl(request.url)}`, reasonName(signal.reason));
      settle({ ok: false, error: signal.reason });
    };
    const settle: PendingFetch['settle'] = (outcome) => {
      // A second settling (a body read that fails after an abort) would be a no-op on the deferred anyway.
      // Stryker disable next-line ConditionalExpression,BooleanLiteral: equivalent (a promise settles once)
      if (settled) return;
      // Stryker disable next-line BooleanLiteral: equivalent (as above)
      settled = true;
      // Stryker disable next-line StringLiteral: equivalent while onAbort checks `settled` (see above)
      signal.removeEventListener('abort', onAbort);
      if (outcome.ok) deferred.resolve(outcome.response);
      else deferred.reject(outcome.error);
    };
    // An abort rejects at once; the response, if it comes, finds no pending request and is dropped.
    signal.addEventListener('abort', onAbort);
    this.pending.set(id, { instance, url: request.url, realm, settle });
    const send = (body: Uint8Array | null): void => {
      if (!this.pending.has(id)) return;
      const message: HttpMessage = { type: 'http-request', id, method: request.method, url: request.url, headers: headerList(request.headers), body: toWireBody(body) };
      this.network.send(this.id, this.route(this.id), message);
    };
    if (request.body === null) {
      send(null);
    } else {
      // Reading a body is the host's work: the kernel waits for it before the next event.
      this.world.hostWork.track(request.arrayBuffer(), (outcome) => {
        if (outcome.ok) return send(new Uint8Array(outcome.value));
        this.pending.delete(id);
        settle({ ok: false, error: outcome.error });
      });
    }
    return deferred.promise;
  }
}

// A URL string or URL resolves against the page, as a browser's fetch does; a Request is already absolute.
function resolved(input: unknown, origin: string | undefined): RequestInfo | URL {
  if (input instanceof Request) return input;
  return new URL(String(input), new URL(origin ?? defaultOrigin));
}

// The signal the page passed: in init, or on the Request it passed.
// Stryker disable next-line BlockStatement: without it the Request's own signal follows the caller's, and only a garbage
// collection (which no test can cause on demand) would drop that link
function callerSignal(input: unknown, init: unknown): AbortSignal | undefined {
  const given = typeof init === 'object' && init !== null ? (init as { signal?: unknown }).signal : undefined;
  // Stryker disable next-line ConditionalExpression: equivalent: Request refused any other signal but null, and null falls back the same
  if (given instanceof AbortSignal) return given;
  return input instanceof Request ? input.signal : undefined;
}

// What an abort's reason is called in the trace: a DOMException's name (AbortError, TimeoutError), else its text.
function reasonName(reason: unknown): string {
  if (reason instanceof DOMException || reason instanceof Error) return reason.name;
  return String(reason);
}

// A same-origin URL is told by its path: the trace line stays short.
function shortUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
