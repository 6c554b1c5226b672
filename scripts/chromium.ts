import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): the only browser the tests and scripts use. */
export const chromiumPath = '/usr/bin/chromium';

/** Whether Debian's Chromium is installed. */
export function chromiumInstalled(): boolean {
  return existsSync(chromiumPath);
}

/** A headless Chromium with a fresh profile, offline by habit: no background networking, updates or sync. */
export interface HeadlessChromium {
  /** The browser's one context (a persistent context is how playwright takes a fresh --user-data-dir). */
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless through playwright-core (which never downloads a browser here). */
export async function launchChromium(): Promise<HeadlessChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'rtc-sim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
