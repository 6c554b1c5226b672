import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of rtc-sim's own package.json, found by walking up from this module: the same answer whether
 * the code runs from src/ through tsx or from a bundle under node_modules/.cache/rtc-sim.
 */
export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let directory = start; ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'rtc-sim') return `${directory}/`;
    if (dirname(directory) === directory) throw new Error(`rtc-sim: no package.json named rtc-sim above ${start}`);
  }
}
