import { describe, expect, it } from 'vitest';
import type { HttpFailureReason, HttpMessage } from '../../src/model/http-messages.ts';
import type { NetworkMessage } from '../../src/model/messages.ts';
import { Network } from '../../src/model/network.ts';
import { PageFetch } from '../../src/model/page-fetch.ts';
import { createHostRealm } from '../../src/providers/realm.ts';
import { fakeWorld, runQueue } from './support.ts';

type Served = Extract<HttpMessage, { type: 'http-request' }>;

// The edges of a page's fetch the happy paths of page-fetch.test.ts do not reach: every failure's words, a
// run that has ended, a body the host cannot read, the abort's trace line, where each request is routed.
function setUp(answer: (request: Served) => HttpMessage | undefined) {
  const world = fakeWorld({ origin: 'https://editor.example.com' });
  const network = new Network(world);
  const received: { readonly to: string; readonly request: Served }[] = [];
  for (const id of ['backend', 'backend#2']) {
    network.attach(
      {
        id,
        receive: (from: string, message: NetworkMessage) => {
          if (message.type !== 'http-request') return;
          received.push({ to: id, request: message });
          const response = answer(message);
          if (response !== undefined) network.send(id, from, response);
        },
      },
      'http',
    );
  }
  const routes: string[] = [];
  const page = new PageFetch(world, network, 'c1', (from) => {
    routes.push(from);
    return routes.length % 2 === 0 ? 'backend#2' : 'backend';
  });
  network.attach(page, 'http');
  const fetch = page.fetchFor(createHostRealm()) as (input: unknown, init?: unknown) => Promise<Response>;
  return { world, page, received, routes, fetch };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe("a page's fetch at its edges", () => {
  const words: [HttpFailureReason, string][] = [
    ['connection-refused', 'the backend refused the connection (it is down)'],
    ['connection-reset', 'the connection was reset (the backend crashed)'],
    ['response-lost', 'the connection dropped before the response arrived'],
  ];
  it.each(words)('a %s failure is Failed to fetch, caused by: %s', async (reason, cause) => {
    const { world, fetch } = setUp((request) => ({ type: 'http-failure', id: request.id, reason }));
    const answered = failureOf(fetch('/api/k'));
    await runQueue(world);
    const error = (await answered) as TypeError;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('Failed to fetch');
    expect((error.cause as Error).message).toBe(cause);
  });

  it('after the run has ended a fetch fails at once, saying so, and sends nothing', async () => {
    const { world, fetch, received } = setUp(() => undefined);
    world.closed = true;
    const error = (await failureOf(fetch('/api/k'))) as TypeError;
    expect(error.message).toBe('Failed to fetch');
    expect((error.cause as Error).message).toBe('the simulation run has ended');
    await runQueue(world);
    expect(received).toEqual([]);
  });

  it('each request asks the balancer where to go, as it is sent, naming the browser', async () => {
    const { world, fetch, received, routes } = setUp((request) => ({ type: 'http-response', id: request.id, status: 204, statusText: '', headers: [], body: null }));
    const first = fetch('/api/one');
    const second = fetch(new URL('https://elsewhere.example/api/two?x=1'));
    await runQueue(world);
    expect((await first).status).toBe(204);
    expect((await second).status).toBe(204);
    expect(routes).toEqual(['c1', 'c1']);
    expect(received.map(({ to, request }) => [to, request.id, request.url]).sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['backend', 'c1.1', 'https://editor.example.com/api/one'],
      ['backend#2', 'c1.2', 'https://elsewhere.example/api/two?x=1'],
    ]);
  });

  it('an input that is neither a string, a URL nor a Request is turned into a string, as a browser does', async () => {
    const { world, fetch, received } = setUp(() => undefined);
    void failureOf(fetch({ toString: () => '/api/from-object' }));
    await runQueue(world);
    expect(received.map(({ request }) => request.url)).toEqual(['https://editor.example.com/api/from-object']);
  });

  it("the signal of a Request is followed when init gives none; init's signal wins over the Request's", async () => {
    const { world, fetch } = setUp(() => undefined);
    const onRequest = new AbortController();
    const viaRequest = failureOf(fetch(new Request('https://editor.example.com/api/a', { signal: onRequest.signal })));
    const onInit = new AbortController();
    const ignored = new AbortController();
    const viaInit = failureOf(fetch(new Request('https://editor.example.com/api/b', { signal: ignored.signal }), { signal: onInit.signal }));
    await runQueue(world);
    onRequest.abort(new Error('request signal'));
    ignored.abort(new Error('not this one'));
    expect(((await viaRequest) as Error).message).toBe('request signal');
    onInit.abort(new Error('init signal'));
    expect(((await viaInit) as Error).message).toBe('init signal');
  });

  it('an abort in flight is recorded with the short URL and the reason named; a late answer is dropped', async () => {
    let pending: Served | undefined;
    const { world, fetch } = setUp((request) => {
      pending = request;
      return undefined;
    });
    const controller = new AbortController();
    const answered = failureOf(fetch('/api/documents/d1/key?keyHint=h1', { method: 'PUT', body: 'x', signal: controller.signal }));
    await runQueue(world);
    controller.abort();
    expect(((await answered) as DOMException).name).toBe('AbortError');
    const text = new AbortController();
    const second = failureOf(fetch('/api/plain', { signal: text.signal }));
    await runQueue(world);
    text.abort('a plain string');
    expect(await second).toBe('a plain string');
    expect(world.records.filter((record) => record.kind === 'abort')).toEqual([
      { kind: 'abort', actor: 'c1', request: 'fetch PUT /api/documents/d1/key?keyHint=h1', reason: 'AbortError' },
      { kind: 'abort', actor: 'c1', request: 'fetch GET /api/plain', reason: 'a plain string' },
    ]);
    expect(pending?.id).toBe('c1.2');
  });

  it('an Error as the reason is named by its name; a late answer to an aborted fetch, or one with no HTTP type, is dropped', async () => {
    const pending: Served[] = [];
    const { world, fetch, page } = setUp((request) => {
      pending.push(request);
      return undefined;
    });
    const controller = new AbortController();
    const answered = failureOf(fetch(new URL('https://editor.example.com/api/late'), { signal: controller.signal }));
    const open = fetch('/api/open', null);
    let openSettled = false;
    void open.then(() => (openSettled = true), () => (openSettled = true));
    await runQueue(world);
    controller.abort(new Error('stop'));
    expect(((await answered) as Error).message).toBe('stop');
    const [late, other] = pending;
    expect(() => page.receive('backend', { type: 'http-response', id: late?.id ?? '', status: 200, statusText: '', headers: [], body: null })).not.toThrow();
    page.receive('backend', { type: 'createSession', id: other?.id } as never);
    await runQueue(world);
    await new Promise((resolve) => setImmediate(resolve));
    expect(openSettled).toBe(false);
    expect(world.records.filter((record) => record.kind === 'abort')).toEqual([{ kind: 'abort', actor: 'c1', request: 'fetch GET /api/late', reason: 'Error' }]);
  });

  it('an abort after the answer arrived changes nothing', async () => {
    const { world, fetch } = setUp((request) => ({ type: 'http-response', id: request.id, status: 200, statusText: '', headers: [], body: { encoding: 'utf8', data: 'ok' } }));
    const controller = new AbortController();
    const answered = fetch('/api/k', { signal: controller.signal });
    await runQueue(world);
    controller.abort();
    expect(await (await answered).text()).toBe('ok');
    expect(world.records.filter((record) => record.kind === 'abort')).toEqual([]);
  });

  it('a body the host fails to read rejects the fetch with its error and sends nothing', async () => {
    const { world, fetch, received } = setUp(() => undefined);
    const body = new ReadableStream({
      pull() {
        throw new Error('the stream broke');
      },
    });
    const answered = failureOf(fetch('/api/upload', { method: 'POST', body, duplex: 'half' }));
    await runQueue(world);
    expect(((await answered) as Error).message).toMatch(/the stream broke/);
    expect(received).toEqual([]);
  });

  it('a body aborted while the host reads it is never sent', async () => {
    const { world, fetch, received } = setUp(() => undefined);
    const controller = new AbortController();
    const answered = failureOf(fetch('/api/upload', { method: 'POST', body: 'payload', signal: controller.signal }));
    controller.abort(new Error('stop'));
    await runQueue(world);
    expect(((await answered) as Error).message).toBe('stop');
    expect(received).toEqual([]);
  });
});
