import { describe, expect, it } from 'vitest';
import { describeHttpMessage, fromWireBody, headerList, isHttpMessage, pathOf, toWireBody } from '../../src/model/http-messages.ts';

describe('HTTP messages between a browser and the backend', () => {
  it('tells HTTP from the RTC protocol by its type', () => {
    expect(isHttpMessage({ type: 'http-request' })).toBe(true);
    expect(isHttpMessage({ type: 'http-response' })).toBe(true);
    expect(isHttpMessage({ type: 'http-failure' })).toBe(true);
    expect(isHttpMessage({ type: 'createSession' })).toBe(false);
    expect(isHttpMessage({ type: '' })).toBe(false);
  });

  it('a request reads as its method, path and query, and id', () => {
    const line = describeHttpMessage({ type: 'http-request', id: 'c1.2', method: 'POST', url: 'https://app.example/api/keys?x=1#frag', headers: [], body: null });
    expect(line).toBe('POST /api/keys?x=1 (c1.2)');
  });

  it("a response reads as its status and reason: the server's own text, else the standard one, else none", () => {
    const response = (status: number, statusText: string) =>
      describeHttpMessage({ type: 'http-response', id: 'c2.1', status, statusText, headers: [], body: null });
    expect(response(200, '')).toBe('200 OK (c2.1)');
    expect(response(404, '')).toBe('404 Not Found (c2.1)');
    expect(response(200, 'Fine')).toBe('200 Fine (c2.1)');
    expect(response(599, '')).toBe('599 (c2.1)');
  });

  it('a failure reads as no answer and why', () => {
    expect(describeHttpMessage({ type: 'http-failure', id: 'c1.1', reason: 'connection-reset' })).toBe('no answer: connection-reset (c1.1)');
  });

  it('a message of no HTTP type is a programmer error naming what it is', () => {
    expect(() => describeHttpMessage({ type: 'http-other', id: 'x' } as never)).toThrow('unhandled HTTP message: {"type":"http-other","id":"x"}');
  });

  it('pathOf keeps the path and query of a URL and gives back what is not one', () => {
    expect(pathOf('https://a.example/p/q?k=v')).toBe('/p/q?k=v');
    expect(pathOf('https://a.example')).toBe('/');
    expect(pathOf('/relative/only')).toBe('/relative/only');
    expect(pathOf('')).toBe('');
  });

  it('a UTF-8 body travels as text and comes back as the same bytes', () => {
    const bytes = new TextEncoder().encode('{"key":"é ✓"}');
    const wire = toWireBody(bytes);
    expect(wire).toEqual({ encoding: 'utf8', data: '{"key":"é ✓"}' });
    expect(Array.from(fromWireBody(wire) ?? [])).toEqual(Array.from(bytes));
  });

  it('bytes that are not UTF-8 travel as base64 and come back unchanged', () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80]);
    const wire = toWireBody(bytes);
    expect(wire).toEqual({ encoding: 'base64', data: '//4AgA==' });
    const back = fromWireBody(wire);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Array.from(back ?? [])).toEqual([0xff, 0xfe, 0x00, 0x80]);
  });

  it('no body stays no body, and an empty body stays empty text', () => {
    expect(toWireBody(null)).toBeNull();
    expect(fromWireBody(null)).toBeNull();
    expect(toWireBody(new Uint8Array())).toEqual({ encoding: 'utf8', data: '' });
    expect(fromWireBody({ encoding: 'utf8', data: '' })?.length).toBe(0);
  });

  it('a header list is what Headers iterates: lower-case names, sorted, every pair', () => {
    const headers = new Headers([['X-B', '2'], ['Content-Type', 'text/plain'], ['x-a', '1']]);
    expect(headerList(headers)).toEqual([
      ['content-type', 'text/plain'],
      ['x-a', '1'],
      ['x-b', '2'],
    ]);
    expect(headerList(new Headers())).toEqual([]);
  });
});
