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
    [{ key: 'k' }, 'an object ({"key":"k"})'],
    ['ok', 'a string ("ok")'],
  ])('a handler answering %s is answered 500 and reported as not-a-response', async (answer, described) => {
    const { handler, problems } = adapted(async () => answer);
    expect((await handler(request('/x', { method: 'POST', body: '{}' }))).status).toBe(500);
    expect(problems).toEqual([{ kind: 'backend-contract', problem: 'not-a-response', message: `the backend answered POST /x with ${described}, not a Response` }]);
  });
});
