import { describe, expect, it } from 'vitest';
import { ServerResponse, type IncomingMessage } from 'node:http';
import { fetchFromListener } from '../../src/backend/node-listener.ts';

// A Node request listener served through light-my-request, as the backend adapter does.
const now = () => Date.UTC(2026, 0, 1, 12);

describe('a Node request listener answering Fetch requests', () => {
  it("keeps the injection's own write/end when the app swaps the prototypes (as Express does), pinned like methods: writable, hidden, configurable", async () => {
    let seen: unknown;
    const serve = fetchFromListener((_request: IncomingMessage, response: ServerResponse) => {
      const end = Object.getOwnPropertyDescriptor(response, 'end');
      seen = { writable: end?.writable, enumerable: end?.enumerable, configurable: end?.configurable, constructor: Object.hasOwn(response, 'constructor') };
      Object.setPrototypeOf(response, Object.create(ServerResponse.prototype) as object);
      const original = response.end.bind(response);
      response.end = ((...args: Parameters<typeof response.end>) => {
        response.setHeader('x-wrapped', 'yes');
        return original(...args);
      }) as typeof response.end;
      response.statusCode = 201;
      response.end('made');
    }, now);
    const answered = await serve(new Request('http://backend/keys', { method: 'POST', body: 'x' }));
    expect(seen).toEqual({ writable: true, enumerable: false, configurable: true, constructor: false });
    expect([answered.status, answered.headers.get('x-wrapped'), await answered.text()]).toEqual([201, 'yes', 'made']);
    expect(answered.headers.get('date')).toBe(new Date(now()).toUTCString());
  });

  it('a request without a body is injected without one; a HEAD answer has no body', async () => {
    const serve = fetchFromListener((request: IncomingMessage, response: ServerResponse) => {
      response.setHeader('x-length', String(request.headers['content-length'] ?? 'none'));
      response.end('body');
    }, now);
    const get = await serve(new Request('http://backend/keys?keyHint=h'));
    expect(get.headers.get('x-length')).toBe('none');
    expect(await get.text()).toBe('body');
    const head = await serve(new Request('http://backend/keys', { method: 'HEAD' }));
    expect(head.body).toBeNull();
  });

  it("a listener that removes the Date header answers without one: Node's server would add the host's real date", async () => {
    const serve = fetchFromListener((_request: IncomingMessage, response: ServerResponse) => {
      response.removeHeader('date');
      response.end('no date');
    }, now);
    const answered = await serve(new Request('http://backend/keys'));
    expect([answered.headers.has('date'), await answered.text()]).toEqual([false, 'no date']);
  });
});
