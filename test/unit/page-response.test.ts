import { describe, expect, it } from 'vitest';
import type { HttpMessage, WireBody } from '../../src/model/http-messages.ts';
import { pageResponse } from '../../src/model/page-response.ts';
import { createHostRealm } from '../../src/providers/realm.ts';

type ResponseMessage = Extract<HttpMessage, { type: 'http-response' }>;

const url = 'https://app.example/api/documents/d1/key';

function answer(options: { status?: number; statusText?: string; body?: WireBody; headers?: [string, string][] } = {}): ResponseMessage {
  return {
    type: 'http-response',
    id: 'c1.1',
    status: options.status ?? 200,
    statusText: options.statusText ?? '',
    headers: options.headers ?? [['content-type', 'application/json']],
    body: options.body === undefined ? { encoding: 'utf8', data: '{"key":"k1","keyHint":"h1"}' } : options.body,
  };
}

describe("the Response a page's fetch resolves with", () => {
  it('carries the status, text, headers and URL of the answer, and ok for 2xx only', () => {
    const found = pageResponse(answer({ statusText: 'Fine' }), url, createHostRealm());
    expect([found.status, found.statusText, found.ok, found.url]).toEqual([200, 'Fine', true, url]);
    expect(found.headers.get('content-type')).toBe('application/json');
    const missing = pageResponse(answer({ status: 404 }), url, createHostRealm());
    expect([missing.status, missing.ok]).toEqual([404, false]);
    expect(pageResponse(answer({ status: 299 }), url, createHostRealm()).ok).toBe(true);
    expect(pageResponse(answer({ status: 300, body: null }), url, createHostRealm()).ok).toBe(false);
  });

  it('a status outside 200…599 (which Response refuses) reads as 500; both ends of the range are kept', () => {
    expect(pageResponse(answer({ status: 199 }), url, createHostRealm()).status).toBe(500);
    expect(pageResponse(answer({ status: 600 }), url, createHostRealm()).status).toBe(500);
    expect(pageResponse(answer({ status: 200 }), url, createHostRealm()).status).toBe(200);
    expect(pageResponse(answer({ status: 599 }), url, createHostRealm()).status).toBe(599);
  });

  it('statuses that carry no body (204, 205, 304) give an empty body whatever arrived', async () => {
    for (const status of [204, 205, 304]) {
      const response = pageResponse(answer({ status, body: { encoding: 'utf8', data: 'ignored' } }), url, createHostRealm());
      expect(response.status).toBe(status);
      expect(response.body).toBeNull();
    }
    const withBody = pageResponse(answer({ status: 203 }), url, createHostRealm());
    expect(withBody.body).not.toBeNull();
  });

  it('text() and json() read the bytes that arrived, once: a second read rejects as a browser does', async () => {
    const first = pageResponse(answer(), url, createHostRealm());
    expect(first.bodyUsed).toBe(false);
    expect(await first.json()).toEqual({ key: 'k1', keyHint: 'h1' });
    expect(first.bodyUsed).toBe(true);
    await expect(first.text()).rejects.toThrow('Body is unusable: Body has already been read');
    await expect(first.json()).rejects.toBeInstanceOf(TypeError);
    const second = pageResponse(answer(), url, createHostRealm());
    expect(await second.text()).toBe('{"key":"k1","keyHint":"h1"}');
  });

  it('arrayBuffer(), bytes() and blob() give the same bytes; blob() typed by the content type, or untyped', async () => {
    const bytes = [0xff, 0x00, 0x41];
    const binary = answer({ body: { encoding: 'base64', data: Buffer.from(bytes).toString('base64') }, headers: [['content-type', 'application/octet-stream']] });
    expect(Array.from(new Uint8Array(await pageResponse(binary, url, createHostRealm()).arrayBuffer()))).toEqual(bytes);
    expect(Array.from(await pageResponse(binary, url, createHostRealm()).bytes())).toEqual(bytes);
    const blob = await pageResponse(binary, url, createHostRealm()).blob();
    expect(blob.type).toBe('application/octet-stream');
    expect(Array.from(new Uint8Array(await blob.arrayBuffer()))).toEqual(bytes);
    const untyped = await pageResponse(answer({ headers: [] }), url, createHostRealm()).blob();
    expect(untyped.type).toBe('');
  });

  it('a body that is not JSON rejects json() with the parse error', async () => {
    const response = pageResponse(answer({ body: { encoding: 'utf8', data: 'not json' } }), url, createHostRealm());
    await expect(response.json()).rejects.toBeInstanceOf(SyntaxError);
    expect(response.bodyUsed).toBe(true);
  });

  it('no body reads as empty text', async () => {
    expect(await pageResponse(answer({ body: null }), url, createHostRealm()).text()).toBe('');
  });

  it('clone() gives a second readable copy before a read, and throws after one', async () => {
    const response = pageResponse(answer(), url, createHostRealm());
    const copy = response.clone();
    expect(copy.url).toBe(url);
    expect(await copy.text()).toBe('{"key":"k1","keyHint":"h1"}');
    expect(await response.json()).toEqual({ key: 'k1', keyHint: 'h1' });
    expect(() => response.clone()).toThrow('Response.clone: Body has already been consumed.');
  });

  it('the readers are own, non-enumerable, replaceable methods (as a page could patch them)', () => {
    const response = pageResponse(answer(), url, createHostRealm());
    for (const name of ['text', 'json', 'arrayBuffer', 'bytes', 'blob', 'clone']) {
      const descriptor = Object.getOwnPropertyDescriptor(response, name);
      expect(descriptor).toMatchObject({ writable: true, enumerable: false, configurable: true });
    }
    expect(Object.keys(response)).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(response, 'url')).toMatchObject({ value: url, enumerable: false, configurable: true });
    expect(Object.getOwnPropertyDescriptor(response, 'bodyUsed')).toMatchObject({ enumerable: false, configurable: true });
  });
});
