// The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core. In CI a missing
// Chromium fails this suite; on a developer's machine without it the suite is skipped with a message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCounterexample } from '../src/explore/counterexample.ts';
import { sweep } from '../src/explore/sweep.ts';
import { renderHtmlReport } from '../src/report/html.ts';
import { exampleSource } from '../properties/support.ts';
import { chromiumInstalled, chromiumPath, launchChromium, type HeadlessChromium } from '../scripts/chromium.ts';
import { temporaryFolder } from './temporary-folder.ts';

const inCi = process.env['CI'] === 'true';
const available = chromiumInstalled();
if (!available && !inCi) console.warn(`html-report: skipped — ${chromiumPath} not found (apt-get install -y chromium); CI installs it and runs this suite`);

if (!available && inCi) {
  describe('the HTML report in Chromium (CI)', () => {
    it('needs Debian Chromium at /usr/bin/chromium: .ci/run installs it', () => {
      throw new Error(`${chromiumPath} is missing in CI: the HTML report cannot be tested (apt-get install -y chromium)`);
    });
  });
}

describe.skipIf(!available)('the HTML report in headless Chromium', () => {
  let chrome: HeadlessChromium;
  let page: Page;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  let recordsTotal = 0;

  beforeAll(async () => {
    const source = await exampleSource('buggy-unawaited-write.ts');
    const failure = (await sweep({ source, runs: 500, seed: 1, pins: {} })).failure;
    if (failure === undefined) throw new Error('the buggy example was not caught');
    const parts = { module: 'buggy-unawaited-write.ts', property: failure.property, message: failure.message, seed: failure.seed, config: failure.config, decisions: failure.replayed.decisions ?? [] };
    const { result } = await prepareCounterexample(source, parts, true);
    recordsTotal = result.trace?.length ?? 0;
    const file = join(temporaryFolder('rtc-sim-html-'), 'report.html');
    writeFileSync(file, renderHtmlReport({ module: 'buggy-unawaited-write.ts', result, summary: ['a summary line'], nearestPass: ['nearest passing run: 1 scheduling decision away', '  step 8: …'] }));
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await chrome?.close();
  });

  const position = () => page.locator('#position').textContent();
  const stateOf = (client: string) => page.locator(`#client-states tr[data-client="${client}"] td`).nth(2).textContent();

  it('opens from disk with nothing fetched and no script error, showing the verdict, the diagram and the configuration', async () => {
    expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
    expect(requests).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    expect(await page.locator('#verdict').textContent()).toMatch(/^✗ hint-stability violated at step \d+/);
    expect(await page.locator('svg.sequence-heads .participant-label').allTextContents()).toEqual(['c1', 'server', 'key store', 'probe-1']);
    expect(await page.locator('svg.sequence .item.tone-violation').count()).toBe(1);
    expect(await page.locator('#configuration th', { hasText: /^seed$/ }).count()).toBe(1);
    expect(await page.locator('#nearest-pass').textContent()).toContain('1 scheduling decision away');
  });

  it('starts at the first record: c1 has just arrived and the probe has not', async () => {
    expect(await position()).toMatch(new RegExp(`^record 1 of ${recordsTotal} · step \\d+ · `));
    expect(await page.locator('#current-event').textContent()).toBe('opens d1');
    expect(await stateOf('c1')).toBe('arrived');
    expect(await stateOf('probe-1')).toBe('not arrived');
    expect(await page.locator('#back').isDisabled()).toBe(true);
  });

  it('steps forward and back with the buttons and with ← and →', async () => {
    await page.click('#forward');
    expect(await position()).toMatch(/^record 2 of /);
    expect(await stateOf('c1')).toBe('requesting');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await position()).toMatch(/^record 4 of /);
    await page.keyboard.press('ArrowLeft');
    expect(await position()).toMatch(/^record 3 of /);
    await page.click('#back');
    await page.click('#back');
    expect(await position()).toMatch(/^record 1 of /);
    expect(await stateOf('c1')).toBe('arrived');
  });

  it('jumps to the violation: the record is marked, the diagram shows it, and the probe holds another key than c1', async () => {
    await page.click('#to-violation');
    expect(await page.locator('#current-record').getAttribute('class')).toContain('violating');
    expect(await page.locator('#current-event').textContent()).toContain('provider answers');
    expect(await page.locator('svg.sequence .item.current.tone-violation').count()).toBe(1);
    expect(await page.locator('#timeline li.current.violating').count()).toBe(1);
    const keyHeld = (client: string) => page.locator(`#client-states tr[data-client="${client}"] td`).nth(4).textContent();
    expect(await stateOf('c1')).toBe('collaborating');
    expect(await keyHeld('probe-1')).not.toBe('');
    expect(await keyHeld('probe-1')).not.toBe(await keyHeld('c1'));
    await page.keyboard.press('End');
    expect(await position()).toMatch(new RegExp(`^record ${recordsTotal} of ${recordsTotal}`));
    expect(await page.locator('#forward').isDisabled()).toBe(true);
    await page.keyboard.press('Home');
    expect(await position()).toMatch(/^record 1 of /);
  });
});
