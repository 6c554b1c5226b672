import type { InputError } from '../errors.ts';

/**
 * The page origin of a world — where every simulated browser's page is served from — and the one rule that
 * decides whether such a page is a secure context. TinyMCE RTC encrypts with SubtleCrypto, which browsers
 * expose only in secure contexts, so on any other page the plugin stops with `secureContextRequired`.
 */

/** The origin a world's pages come from when none is given: a secure one. */
export const defaultOrigin = 'https://app.example';

/** What the RTC plugin reports on a page that is not a secure context (the troubleshooting page's words). */
export const secureContextRequired = 'RTC services require a secure context';

const pageProtocols: ReadonlySet<string> = new Set(['https:', 'http:', 'wss:', 'ws:']);

/**
 * Why `text` is not a page origin (`scheme://host[:port]`, optionally with a trailing `/`, scheme one of
 * https, http, wss, ws), or undefined when it is one.
 */
export function originProblem(text: string): string | undefined {
  const example = 'a page origin such as https://app.example or http://localhost:3000';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL: expected ${example}`;
  }
  if (!pageProtocols.has(url.protocol)) return `${JSON.stringify(text)} has the scheme ${url.protocol.slice(0, -1)}: expected ${example}`;
  if (url.hostname === '' || url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return `${JSON.stringify(text)} is not an origin (scheme, host and port only): expected ${example}`;
  }
  return undefined;
}

// A sweep asks this for every browser of every run, always of the same origin: parse it once.
let lastAsked: { readonly origin: string; readonly secure: boolean } | undefined;

/**
 * Whether a page served from `origin` (absent: the default) is a secure context, as browsers decide it
 * (W3C Secure Contexts, "potentially trustworthy origin"): `https:` and `wss:` are; `http:` and `ws:` only
 * from a loopback host — `localhost`, a name under `.localhost`, 127.0.0.0/8 or `[::1]`. Anything that is
 * not a page origin is not.
 */
export function isSecureOrigin(origin: string = defaultOrigin): boolean {
  if (lastAsked?.origin === origin) return lastAsked.secure;
  const secure = decideSecure(origin);
  lastAsked = { origin, secure };
  return secure;
}

function decideSecure(origin: string): boolean {
  if (originProblem(origin) !== undefined) return false;
  const { protocol, hostname } = new URL(origin);
  if (protocol === 'https:' || protocol === 'wss:') return true;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The input error of a world whose page is not a secure context, for `check` to stop at before any run:
 * every browser would give up at once, which says nothing about the provider. Undefined for a secure origin;
 * a text that is not an origin at all is a usage error.
 */
export function insecureOriginError(origin: string | undefined): InputError | undefined {
  if (origin === undefined || isSecureOrigin(origin)) return undefined;
  const problem = originProblem(origin);
  if (problem !== undefined) return { kind: 'usage', message: problem };
  const message = `the page origin ${origin} is not a secure context: every browser would stop with '${secureContextRequired}': serve the page over https or from localhost`;
  return { kind: 'insecure-origin', origin, message };
}
