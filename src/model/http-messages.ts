import { STATUS_CODES } from 'node:http';
import { assertNever } from '../kernel/assert-never.ts';

/** A header list in the order it was given; names lower-cased (as the Fetch standard's Headers keeps them). */
export type HeaderList = readonly (readonly [string, string])[];

/** A body on the wire: text when it is valid UTF-8 (most are JSON), base64 otherwise. */
export type WireBody = { readonly encoding: 'utf8' | 'base64'; readonly data: string } | null;

/** Why a browser's fetch failed without a response: what a browser reports only as `TypeError: Failed to fetch`. */
export type HttpFailureReason =
  /** The backend machine was down (crashed, restarting): nothing listened. */
  | 'connection-refused'
  /** The backend crashed while the request was in flight: its answer never came. */
  | 'connection-reset'
  /** The handler ran to the end, but its response was lost on the way back (a fault). */
  | 'response-lost';

/**
 * HTTP between a browser and the integrator's backend: one request, one answer, each a message on the
 * connection between the two machines (`c1↔backend`), so each is a scheduled, named event. `id` names the
 * request by its origin — the browser and its count of requests (`c1.2`) — so that it stays the same however
 * the schedule interleaves requests.
 */
export type HttpMessage =
  | { readonly type: 'http-request'; readonly id: string; readonly method: string; readonly url: string; readonly headers: HeaderList; readonly body: WireBody }
  | { readonly type: 'http-response'; readonly id: string; readonly status: number; readonly statusText: string; readonly headers: HeaderList; readonly body: WireBody }
  | { readonly type: 'http-failure'; readonly id: string; readonly reason: HttpFailureReason };

const httpTypes: ReadonlySet<string> = new Set<HttpMessage['type']>(['http-request', 'http-response', 'http-failure']);

/** Whether a network message is HTTP (and not the RTC protocol). */
export function isHttpMessage(message: { readonly type: string }): message is HttpMessage {
  return httpTypes.has(message.type);
}

/** One line for timelines: `GET /api/documents/d1/key (c1.1)`, `200 OK (c1.1)`. */
export function describeHttpMessage(message: HttpMessage): string {
  switch (message.type) {
    case 'http-request':
      return `${message.method} ${pathOf(message.url)} (${message.id})`;
    case 'http-response': {
      const reason = message.statusText === '' ? STATUS_CODES[message.status] : message.statusText;
      return `${message.status}${reason === undefined ? '' : ` ${reason}`} (${message.id})`;
    }
    case 'http-failure':
      return `no answer: ${message.reason} (${message.id})`;
    default:
      return assertNever(message, 'HTTP message');
  }
}

/** The path and query of a URL: what a timeline shows of a request. */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Puts bytes on the wire: as text when they are UTF-8. */
export function toWireBody(bytes: Uint8Array | null): WireBody {
  if (bytes === null) return null;
  try {
    return { encoding: 'utf8', data: utf8.decode(bytes) };
  } catch {
    return { encoding: 'base64', data: Buffer.from(bytes).toString('base64') };
  }
}

/** The bytes of a body on the wire. */
export function fromWireBody(body: WireBody): Uint8Array | null {
  if (body === null) return null;
  return body.encoding === 'utf8' ? new TextEncoder().encode(body.data) : new Uint8Array(Buffer.from(body.data, 'base64'));
}

/** A Headers object's entries as a list (Headers iterates in sorted, lower-case order). */
export function headerList(headers: Headers): HeaderList {
  const list: [string, string][] = [];
  headers.forEach((value, name) => list.push([name, value]));
  return list;
}
