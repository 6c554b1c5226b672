import { defaultOrigin, isSecureOrigin } from '../config/origin.ts';
import { fetchStandardClasses } from './server-globals.ts';

/**
 * Puts the page's `isSecureContext`, `origin` and `location` on a sandbox's global object, as getters that
 * read the origin of the instance running (or that ran last — every browser of a world shares one origin).
 * Getters on the global, not wrapper parameters like the instance globals: a module may declare its own
 * top-level `origin` or `location`, which would clash with a parameter of the same name.
 */
export function installPageGlobals(contextGlobal: object, originNow: () => string | undefined): void {
  const page = (): URL => new URL(originNow() ?? defaultOrigin);
  const getters: Record<string, () => unknown> = {
    // A page's global object goes by these names too; packages built for browsers read `self.FormData`.
    window: () => contextGlobal,
    self: () => contextGlobal,
    isSecureContext: () => isSecureOrigin(originNow()),
    origin: () => page().origin,
    // The page sits at the origin's root; a relative URL resolves against it: new URL('/keys', location.href).
    location: page,
  };
  for (const [name, get] of Object.entries(getters)) Object.defineProperty(contextGlobal, name, { get, enumerable: false, configurable: true });
}

/**
 * Puts the Fetch standard's classes on a browser sandbox's global object (the host's own, so that the
 * backend and rtc-sim see real ones), with a `Request` that resolves a relative URL against the page, as a
 * browser's does: `new Request('/api/keys')`.
 */
export function installPageFetchClasses(contextGlobal: object, originNow: () => string | undefined): void {
  const HostRequest = globalThis.Request;
  class Request extends HostRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === 'string' || input instanceof URL ? new URL(input, new URL(originNow() ?? defaultOrigin)) : input, init);
    }
  }
  const globals = { ...fetchStandardClasses(), Request };
  for (const [name, value] of Object.entries(globals)) Object.defineProperty(contextGlobal, name, { value, writable: true, enumerable: false, configurable: true });
}
