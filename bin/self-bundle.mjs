// Builds one of rtc-sim's own TypeScript entry points into a single ES module with esbuild and caches it under
// node_modules/.cache/rtc-sim, named by a hash of its content. The CLI, the sweep workers and the benchmark
// run from such bundles: plain JavaScript starts faster than tsx's on-the-fly transform, and it has no
// `keepNames` wrappers, which give every named closure a property table of its own (half the heap of a
// 10,000-client run went to them). npm packages stay outside the bundle and resolve from the package root.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The directory of rtc-sim's own package.json (with a trailing slash), found by walking up from this module,
 * so that the answer is the same from bin/, from src/ through tsx, and from inside a bundle under
 * node_modules/.cache/rtc-sim.
 */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/**
 * Whether rtc-sim runs from its TypeScript sources (a clone of the repository: the CLI and the sweep workers are
 * bundled from src/ on demand) or from its compiled build in dist/ (an installed package). The repository's
 * tsconfig.json is never packed, so its presence tells the two apart without looking at timestamps.
 */
export const runsFromSources = existsSync(join(packageRoot, 'tsconfig.json')) || !existsSync(join(packageRoot, 'dist', 'cli.js'));

function findPackageRoot(start) {
  for (let directory = start; ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'rtc-sim') return `${directory}/`;
    if (dirname(directory) === directory) throw new Error(`rtc-sim: no package.json named rtc-sim above ${start}`);
  }
}

/**
 * Bundles `entry` (a path relative to the package root) and returns the bundle's absolute path, or undefined
 * when it cannot be written (a read-only install): the caller then runs the TypeScript through tsx. A build
 * that fails is rtc-sim's own bug and throws.
 */
export async function bundleEntry(entry) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(packageRoot, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    sourceRoot: packageRoot,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const name = entry.replace(/\.[cm]?ts$/, '').replace(/[^a-zA-Z0-9]+/g, '-');
  const file = join(packageRoot, 'node_modules', '.cache', 'rtc-sim', `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  try {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      // Written aside and renamed, so that a concurrent start never imports half a file.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    }
    pruneOlderBundles(dirname(file), name, file);
    return file;
  } catch {
    return existsSync(file) ? file : undefined;
  }
}

// Each change to the sources writes a new bundle. Older bundles of the same entry are removed once they are
// an hour old: a process that started from one has long imported it (and its workers with it). So are the
// half-written files of a process that died between writing and renaming.
function pruneOlderBundles(directory, name, keep) {
  const hourAgoMs = Date.now() - 60 * 60 * 1000;
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (path === keep || !entry.startsWith(`${name}-`) || !/^[0-9a-f]{16}\.mjs(\.\d+\.partial)?$/.test(entry.slice(name.length + 1))) continue;
    try {
      if (statSync(path).mtimeMs < hourAgoMs) rmSync(path, { force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/**
 * Runs a TypeScript entry (relative to the package root) from its bundle, or through tsx when no bundle can
 * be built or written.
 */
export async function runEntry(entry) {
  const bundle = await bundleEntry(entry);
  if (bundle !== undefined) return import(pathToFileURL(bundle).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(packageRoot, entry)).href);
}
