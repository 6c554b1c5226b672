import { describe, expect, it } from 'vitest';
import { adaptBackend } from '../../src/backend/adapt.ts';
import type { BackendContractProblem, FetchHandler } from '../../src/backend/contract.ts';

const request = (path = '/api/documents/d/key?keyHint=h', init?: RequestInit): Request => new Request(`https://app.example${path}`, init);

function adapted(app: unknown): { handler: FetchHandler; problems: BackendContractProblem[] } {
  const problems: BackendContractProblem[] = [];
  const result = adaptBackend(app, { report: (problem) => problems.push(problem), now: () => Date.UTC(2026, 0, 1) });
  if (!result.ok) throw new Error(result.problem.message);
  return { handler: result.handler, problems };
}

describe('adaptBackend: every accepted shape becomes one (request) => Promise<Response>', () => {
  it('a function of one parameter is a Fetch-standard handler, sync or async', async () => {
    for (const app of [(r: Request) => new Response(new URL(r.url).searchParams.get('keyHint')), async (r: Request) => new Response(new URL(r.url).searchParams.get('keyHint'))]) {
      const response = await adapted(app).handler(request());
      expect(await response.text()).toBe('h');
    }
  });

  it('an object with fetch(request) is called as a method (this is the object)', async () => {
    const app = {
      greeting: 'hello',
      fetch(this: { greeting: string }, r: Request) {
        return new Response(`${this.greeting} ${r.method}`);
      },
    };
    expect(await (await adapted(app).handler(request('/', { method: 'DELETE' }))).text()).toBe('hello DELETE');
  });

  it('a function of two parameters is a Node request listener: method, URL, headers and body in; status, headers and body out', async () => {
    const listener = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.statusCode = 202;
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.setHeader('content-type', 'text/plain');
        res.end(`${req.method} ${req.url} ${req.headers['x-token']} ${body}`);
      });
    };
    const response = await adapted(listener).handler(request('/api/x?keyHint=h', { method: 'PUT', headers: { 'x-token': 't' }, body: 'payload' }));
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(202);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('date')).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    expect(await response.text()).toBe('PUT /api/x?keyHint=h t payload');
  });

  it('a 204 from a listener has no body', async () => {
    const response = await adapted((_req: unknown, res: import('node:http').ServerResponse) => void ((res.statusCode = 204), res.end())).handler(request());
    expect([response.status, response.body]).toEqual([204, null]);
  });

  it('a Response-like from a polyfill or another realm is copied into a real Response', async () => {
    const like = { status: 418, statusText: 'teapot', headers: { 'x-a': '1' }, arrayBuffer: async () => new TextEncoder().encode('tea').buffer };
    const response = await adapted(() => like).handler(request());
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.headers.get('x-a'), await response.text()]).toEqual([418, 'teapot', '1', 'tea']);
  });
});

describe('adaptBackend: a broken backend is data', () => {
  it.each([
    [42, 'got number'],
    [null, 'got null'],
    [{ handler: () => undefined }, 'got an object with handler but no fetch method'],
    [new Proxy({}, { get: () => { throw new Error('trap'); } }), 'got a value that could not be read (Error: trap)'],
  ])('case %# is none of the three shapes', (app, got) => {
    const result = adaptBackend(app);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.kind).toBe('backend-contract');
    expect(result.problem.problem).toBe('not-a-handler');
    expect(result.problem.message.endsWith(got)).toBe(true);
  });

  it('a handler that throws is answered 500 and reported', async () => {
    const { handler, problems } = adapted(() => {
      throw new TypeError('db is not a function');
    });
    const response = await handler(request());
    expect([response.status, await response.text()]).toEqual([500, 'Internal Server Error']);
    expect(problems).toEqual([{ kind: 'backend-contract', problem: 'handler-threw', message: 'the backend threw while serving GET /api/documents/d/key?keyHint=h: TypeError: db is not a function' }]);
  });

  it('a handler that rejects is answered 500 and reported', async () => {
    const { handler, problems } = adapted(async () => Promise.reject(new Error('deadlock detected')));
    expect((await handler(request())).status).toBe(500);
    expect(problems.map((problem) => problem.problem)).toEqual(['handler-threw']);
  });

  it('a listener that throws is answered 500 and reported', async () => {
    const { handler, problems } = adapted((_req: unknown, _res: unknown) => {
      throw new Error('listener broke');
    });
    expect((await handler(request())).status).toBe(500);
    expect(problems).toEqual([{ kind: 'backend-contract', problem: 'handler-threw', message: 'the backend threw while serving GET /api/documents/d/key?keyHint=h: Error: listener broke' }]);
  });

  it.each([
    [undefined, 'nothing (undefined)'],
    [null, 'null'],
    [{ key: 'k' }, 'an object ({"key":"k"})'],
    ['ok', 'a string ("ok")'],
  ])('a handler answering %s is answered 500 and reported as not-a-response', async (answer, described) => {
    const { handler, problems } = adapted(async () => answer);
    expect((await handler(request('/x', { method: 'POST', body: '{}' }))).status).toBe(500);
    expect(problems).toEqual([{ kind: 'backend-contract', problem: 'not-a-response', message: `the backend answered POST /x with ${described}, not a Response` }]);
  });
});

describe('adaptBackend: the edges of each shape', () => {
  it.each([['handle (a Connect app)', 'handle'], ['listen', 'listen']])('a function of fewer than two parameters that carries %s is a request listener, not a Fetch handler', async (_title, method) => {
    const app = Object.assign((...args: unknown[]) => void (args[1] as import('node:http').ServerResponse).end('listened'), { [method]: () => undefined });
    expect(app.length).toBe(0);
    expect(await (await adapted(app).handler(request())).text()).toBe('listened');
  });

  it("a request listener adapted without the machine's clock dates its answers at the epoch", async () => {
    const result = adaptBackend((_req: unknown, res: import('node:http').ServerResponse) => void res.end('ok'));
    if (!result.ok) throw new Error(result.problem.message);
    expect((await result.handler(request())).headers.get('date')).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('an object without fetch is named by its first five properties, or as having none', () => {
    const got = (app: object): string => {
      const result = adaptBackend(app);
      return result.ok ? 'adapted' : result.problem.message.replace(/^.* got /, '');
    };
    expect(got({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })).toBe('an object with a, b, c, d, e but no fetch method');
    expect(got({})).toBe('an object with no fetch method');
  });

  it('the 500 for a failed request is plain text', async () => {
    const response = await adapted(() => undefined).handler(request());
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([500, 'text/plain; charset=utf-8', 'Internal Server Error']);
  });

  it("the backend's own Response is served as it is, not copied", async () => {
    const own = new Response('mine', { status: 201 });
    expect(await adapted(() => own).handler(request())).toBe(own);
  });

  it.each([
    ['a status that is no number', { status: '200', arrayBuffer: async () => new ArrayBuffer(0) }],
    ['no arrayBuffer()', { status: 200, text: async () => 'x' }],
    ['no arrayBuffer() and a null-body status', { status: 204 }],
    ['an arrayBuffer() that throws', { status: 200, arrayBuffer: () => { throw new Error('body used'); } }],
    ['a status no Response can have', { status: 101, arrayBuffer: async () => new ArrayBuffer(0) }],
  ])('a Response-like with %s is not a Response', async (_title, like) => {
    const { handler, problems } = adapted(() => like);
    expect((await handler(request())).status).toBe(500);
    expect(problems.map((problem) => problem.problem)).toEqual(['not-a-response']);
  });

  it.each([204, 205, 304])('a Response-like with the null-body status %i is copied without a body', async (status) => {
    let bodyRead = false;
    const like = { status, headers: [['etag', '"v1"']], arrayBuffer: async () => ((bodyRead = true), new ArrayBuffer(0)) };
    const response = await adapted(() => like).handler(request());
    expect([response.status, response.body, response.headers.get('etag'), bodyRead]).toEqual([status, null, '"v1"', false]);
  });

  it('a Response-like whose statusText is no string gets none', async () => {
    const response = await adapted(() => ({ status: 200, statusText: 42, arrayBuffer: async () => new ArrayBuffer(0) })).handler(request());
    expect([response.status, response.statusText]).toEqual([200, '']);
  });
});
