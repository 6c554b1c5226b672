import { defaultOrigin, isSecureOrigin } from '../config/origin.ts';

/**
 * Puts the page's `isSecureContext`, `origin` and `location` on a sandbox's global object, as getters that
 * read the origin of the instance running (or that ran last — every browser of a world shares one origin).
 * Getters on the global, not wrapper parameters like the instance globals: a module may declare its own
 * top-level `origin` or `location`, which would clash with a parameter of the same name.
 */
export function installPageGlobals(contextGlobal: object, originNow: () => string | undefined): void {
  const page = (): URL => new URL(originNow() ?? defaultOrigin);
  const getters: Record<string, () => unknown> = {
    isSecureContext: () => isSecureOrigin(originNow()),
    origin: () => page().origin,
    // The page sits at the origin's root; a relative URL resolves against it: new URL('/keys', location.href).
    location: page,
  };
  for (const [name, get] of Object.entries(getters)) Object.defineProperty(contextGlobal, name, { get, enumerable: false, configurable: true });
}
