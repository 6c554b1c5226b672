// `npm run report:demo`: checks the bundled buggy-unawaited-write example with --out reports/demo/, then
// opens the HTML report in Debian's Chromium, jumps to the violation and saves a screenshot as
// reports/demo/report.png. reports/ is git-ignored.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { processIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { chromiumInstalled, chromiumPath, launchChromium } from './chromium.ts';

const example = 'examples/providers/buggy-unawaited-write.ts';
const directory = resolve('reports/demo');

rmSync(directory, { recursive: true, force: true });
mkdirSync(directory, { recursive: true });
const code = await main(['check', example, '--out', directory, '--failures-dir', directory], processIo());
if (code !== 1) throw new Error(`expected ${example} to fail (exit 1), got exit ${code}`);
const html = readdirSync(directory).find((name) => name.endsWith('.html'));
if (html === undefined) throw new Error(`check --out wrote no HTML report into ${directory}`);
if (!chromiumInstalled()) {
  console.error(`no screenshot: ${chromiumPath} is missing (apt-get install -y chromium); the report is ${join(directory, html)}`);
  process.exit(1);
}
const chromium = await launchChromium();
try {
  const page = await chromium.context.newPage();
  await page.goto(pathToFileURL(join(directory, html)).href);
  await page.click('#to-violation');
  await page.screenshot({ path: join(directory, 'report.png'), fullPage: true });
} finally {
  await chromium.close();
}
console.log(`\nreport: ${join(directory, html)}\nscreenshot: ${join(directory, 'report.png')}`);
