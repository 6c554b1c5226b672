import type { Realm } from '../providers/realm.ts';
import { fromWireBody, type HttpMessage } from './http-messages.ts';

type ResponseMessage = Extract<HttpMessage, { type: 'http-response' }>;

const bodylessStatuses: ReadonlySet<number> = new Set([101, 204, 205, 304]);
const decoder = new TextDecoder();

/**
 * The Response a page's fetch resolves with: a real Response (headers, status, `ok`, `url`), whose body
 * readers — `text()`, `json()`, `arrayBuffer()`, `bytes()`, `blob()` — answer from the bytes that arrived, in
 * the page's realm, at once. The host's readers finish on the host's timing, outside the schedule: a provider
 * awaiting one would continue whenever the host next took a turn, or never.
 */
export function pageResponse(message: ResponseMessage, url: string, realm: Realm): Response {
  const bytes: Uint8Array<ArrayBuffer> = new Uint8Array(fromWireBody(message.body) ?? []);
  const headers = new Headers(message.headers as [string, string][]);
  const status = message.status >= 200 && message.status <= 599 ? message.status : 500;
  const response = new Response(bodylessStatuses.has(status) ? null : bytes, { status, statusText: message.statusText, headers });
  let used = false;
  const reader =
    <T>(convert: (body: Uint8Array) => T) =>
    (): Promise<T> => {
      const deferred = realm.deferred<T>();
      if (used) {
        deferred.reject(new TypeError('Body is unusable: Body has already been read'));
      } else {
        used = true;
        try {
          deferred.resolve(convert(bytes));
        } catch (error) {
          deferred.reject(error);
        }
      }
      return deferred.promise;
    };
  const method = (value: unknown): PropertyDescriptor => ({ value, writable: true, enumerable: false, configurable: true });
  Object.defineProperties(response, {
    url: { value: url, enumerable: false, configurable: true },
    bodyUsed: { get: () => used, enumerable: false, configurable: true },
    text: method(reader((body) => decoder.decode(body))),
    json: method(reader((body) => JSON.parse(decoder.decode(body)) as unknown)),
    // The copies are defensive and cannot be observed: `bytes` is made afresh from the wire for this Response
    // alone (a clone decodes its own), and the body is read once.
    // Stryker disable next-line MethodExpression: equivalent (see above)
    arrayBuffer: method(reader((body) => body.slice().buffer)),
    // Stryker disable next-line MethodExpression: equivalent (see above)
    bytes: method(reader((body) => body.slice())),
    // Stryker disable next-line MethodExpression: equivalent (see above; Blob copies its parts anyway)
    blob: method(reader((body) => new Blob([body.slice()], { type: headers.get('content-type') ?? '' }))),
    clone: method(() => {
      if (used) throw new TypeError('Response.clone: Body has already been consumed.');
      return pageResponse(message, url, realm);
    }),
  });
  return response;
}
