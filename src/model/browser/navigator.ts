import { pageLocks } from './web-locks.ts';
import type { TabParts } from './tab-messages.ts';

/** What every simulated browser says of itself: one fixed answer, so that no run depends on the host. */
const browserFacts = {
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 rtc-sim',
  language: 'en-US',
  languages: Object.freeze(['en-US', 'en']),
  platform: 'Linux x86_64',
  vendor: 'Google Inc.',
  cookieEnabled: true,
  hardwareConcurrency: 4,
  maxTouchPoints: 0,
  webdriver: false,
} as const;

/**
 * The page's `navigator`: the browser's fixed facts, `onLine` (true: a browser reports its own network link,
 * which a partition between it and a server does not take down — a provider must not trust it to mean the
 * backend is reachable), and the profile's Web Locks as `navigator.locks`.
 */
export function pageNavigator(parts: TabParts & { readonly alive: () => boolean }): object {
  let locks: object | undefined;
  return {
    ...browserFacts,
    onLine: true,
    get locks(): object {
      return (locks ??= pageLocks(parts));
    },
  };
}
