import { describe, expect, it } from 'vitest';
import { fromWireBody, type HttpMessage } from '../../src/model/http-messages.ts';
import type { NetworkMessage } from '../../src/model/messages.ts';
import { Network } from '../../src/model/network.ts';
import { PageFetch } from '../../src/model/page-fetch.ts';
import { createHostRealm } from '../../src/providers/realm.ts';
import { fakeWorld, runQueue } from './support.ts';

type Served = Extract<HttpMessage, { type: 'http-request' }>;

/** A page of c1 and a backend that answers every request with `answer(request)` (or not at all). */
function setUp(answer: (request: Served) => HttpMessage | undefined, origin?: string) {
  const world = fakeWorld(origin === undefined ? {} : { origin });
  const network = new Network(world);
  const received: Served[] = [];
  network.attach(
    {
      id: 'backend',
      receive: (from: string, message: NetworkMessage) => {
        if (message.type !== 'http-request') return;
        received.push(message);
        const response = answer(message);
        if (response !== undefined) network.send('backend', from, response);
      },
    },
    'http',
  );
  const page = new PageFetch(world, network, 'c1', () => 'backend');
  network.attach(page, 'http');
  const realm = createHostRealm();
  return { world, page, received, fetch: page.fetchFor(realm) as (input: unknown, init?: unknown) => Promise<Response> };
}

const json = (request: Served, status = 200): HttpMessage => ({
  type: 'http-response',
  id: request.id,
  status,
  statusText: '',
  headers: [['content-type', 'application/json']],
  body: { encoding: 'utf8', data: JSON.stringify({ path: new URL(request.url).pathname, method: request.method }) },
});

describe("a page's fetch over the simulated network", () => {
  it('resolves a relative URL against the page origin, names the request by its browser, and reads the answer in the page', async () => {
    const { world, fetch, received } = setUp((request) => json(request), 'https://editor.example.com');
    const answered = fetch('/api/documents/d1/key?keyHint=v1');
    await runQueue(world);
    const response = await answered;
    expect(received.map((request) => [request.id, request.method, request.url])).toEqual([['c1.1', 'GET', 'https://editor.example.com/api/documents/d1/key?keyHint=v1']]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.url).toBe('https://editor.example.com/api/documents/d1/key?keyHint=v1');
    expect(await response.json()).toEqual({ path: '/api/documents/d1/key', method: 'GET' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(/already been read/);
  });

  it('sends a POST body (read by the host, as a body is) and a Request made in the page', async () => {
    const { world, fetch, received } = setUp((request) => json(request, 201));
    const first = fetch('/api/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentId: 'd1' }) });
    const second = fetch(new Request('https://app.example/api/keys/v2', { method: 'DELETE' }));
    await runQueue(world);
    expect((await first).status).toBe(201);
    expect((await second).status).toBe(201);
    expect(received.map((request) => [request.id, request.method])).toEqual([['c1.2', 'DELETE'], ['c1.1', 'POST']]);
    const post = received.find((request) => request.method === 'POST');
    expect(new TextDecoder().decode(fromWireBody(post?.body ?? null) ?? new Uint8Array())).toBe('{"documentId":"d1"}');
    expect(post?.headers).toContainEqual(['content-type', 'application/json']);
  });

  it('a failed connection rejects with the TypeError a browser gives, naming what happened', async () => {
    const { world, fetch } = setUp((request) => ({ type: 'http-failure', id: request.id, reason: 'response-lost' }));
    const answered = fetch('/api/documents/d1/key');
    answered.catch(() => undefined);
    await runQueue(world);
    const error = await answered.then(() => undefined, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('Failed to fetch');
    expect(((error as TypeError).cause as Error).message).toBe('the connection dropped before the response arrived');
  });

  it('an abort signal rejects the fetch with its reason, before or while it is in flight', async () => {
    const { world, fetch, received } = setUp(() => undefined);
    const before = new AbortController();
    before.abort(new Error('gave up early'));
    await expect(fetch('/api/a', { signal: before.signal })).rejects.toThrow('gave up early');
    const during = new AbortController();
    const answered = fetch('/api/b', { signal: during.signal });
    await runQueue(world);
    during.abort(new Error('gave up waiting'));
    await expect(answered).rejects.toThrow('gave up waiting');
    expect(received.map((request) => new URL(request.url).pathname)).toEqual(['/api/b']);
  });

  it("answers meant for an earlier instance of the page (before a crash) are dropped", async () => {
    const { world, page, fetch } = setUp((request) => json(request));
    let settled = false;
    void fetch('/api/documents/d1/key').then(() => (settled = true), () => (settled = true));
    page.fetchFor(createHostRealm());
    await runQueue(world);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
  });

  it('an invalid request rejects at once, without a message on the network', async () => {
    const { fetch, received } = setUp((request) => json(request));
    await expect(fetch('/api/x', { method: 'GET', body: 'not allowed' })).rejects.toThrow(TypeError);
    expect(received).toEqual([]);
  });
});
