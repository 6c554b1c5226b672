import { inject, type InjectOptions } from 'light-my-request';
import type { FetchHandler, NodeRequestListener } from './contract.ts';

/**
 * Serves Fetch-standard requests with a Node request listener through light-my-request, the injection
 * library Fastify is tested with: the Request's method, URL, headers and body become an injection, and the
 * injected response's status, headers and raw body become a Response. A listener that throws, or whose
 * response errors, rejects the returned promise.
 *
 * Two things Node's server would do differently here are made right:
 * - the `Date` header Node's server adds reads the host's real clock (an injection adds none): it is written
 *   from `now` (the backend machine's clock) before the listener runs, which may still set or remove it;
 * - Express (and Connect apps that do the same) replaces the prototypes of `req` and `res` with its own,
 *   which inherit from node:http's, so light-my-request's `write`/`end` (which collect the body) and
 *   `destroy` would be lost: they are pinned on the objects first.
 */
export function fetchFromListener(serveNode: NodeRequestListener, now: () => number): FetchHandler {
  const listener: NodeRequestListener = (request, response) => {
    keepInjectedMethods(request);
    keepInjectedMethods(response);
    response.setHeader('date', new Date(now()).toUTCString());
    return serveNode(request, response);
  };
  return async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const options: InjectOptions = { method: request.method as NonNullable<InjectOptions['method']>, url: request.url, headers };
    if (request.body !== null) options.payload = Buffer.from(await request.arrayBuffer());
    const injected = await inject(listener, options);
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(injected.headers)) {
      // Stryker disable next-line ConditionalExpression: Node's getHeaders() never holds undefined (typed as possible)
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, String(one));
    }
    const bodyless = [101, 204, 205, 304].includes(injected.statusCode) || request.method === 'HEAD';
    return new Response(bodyless ? null : new Uint8Array(injected.rawPayload), {
      status: injected.statusCode,
      statusText: injected.statusMessage,
      headers: responseHeaders,
    });
  };
}

function keepInjectedMethods(target: object): void {
  const prototype = Object.getPrototypeOf(target) as object | null;
  // Stryker disable next-line ConditionalExpression: light-my-request's request and response always have a prototype (typed as possibly null)
  if (prototype === null) return;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
    if (name === 'constructor' || Object.hasOwn(target, name)) continue;
    // Stryker disable next-line ConditionalExpression: light-my-request's own prototypes hold only methods and the constructor
    if (typeof method !== 'function') continue;
    Object.defineProperty(target, name, { value: method, writable: true, enumerable: false, configurable: true });
  }
}
