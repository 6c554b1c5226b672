import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { packageRoot } from '../package-root.ts';

/**
 * A provider's esbuild output kept on disk between processes (the CLI, every sweep worker, the next run),
 * beside rtc-sim's own bundles under node_modules/.cache/rtc-sim. Bundling a provider's npm packages can
 * take half a second (date-fns); checking that none of the bundled files changed takes a `stat` each.
 *
 * An entry is valid while every file esbuild read (the provider, its local files, its packages' files) has
 * the size and modification time it had when the entry was written, and the build options are the same.
 * Files esbuild did not read but that decide what it would resolve — the `node_modules` folders, lock files
 * and package.json files above the provider, present or absent — are compared too: an install that points a
 * package's symlink elsewhere (pnpm) leaves every file read last time as it was, but not its folder.
 */
export interface BundleCache {
  /** The cached code for this provider and build, or undefined when absent or stale. */
  read(): string | undefined;
  /** Keeps `code`, built from `inputs` (absolute paths); silently nothing when the folder is not writable. */
  write(code: string, inputs: readonly string[]): void;
}

interface Entry {
  readonly inputs: readonly { readonly path: string; readonly size: number; readonly mtimeMs: number }[];
  readonly code: string;
}

// Entries written this long ago are removed when another is written: temporary providers (tests) come and go.
const unusedAgeMsMax = 24 * 60 * 60 * 1000;

/** The cache entry of one provider file built with options described by `buildKey`. */
export function bundleCache(providerPath: string, buildKey: string): BundleCache {
  const directory = join(packageRoot, 'node_modules', '.cache', 'rtc-sim', 'providers');
  const file = join(directory, `${createHash('sha256').update(`${buildKey}\0${providerPath}`).digest('hex').slice(0, 24)}.json`);
  return {
    read() {
      try {
        const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
        return entry.inputs.every(unchanged) ? entry.code : undefined;
      } catch {
        return undefined;
      }
    },
    write(code, inputs) {
      try {
        const entry: Entry = { inputs: [...inputs, ...resolutionWitnesses(providerPath)].map(describe), code };
        mkdirSync(directory, { recursive: true });
        // Written aside and renamed, so that a concurrent reader never sees half an entry.
        const partial = `${file}.${process.pid}.${threadId}.partial`;
        writeFileSync(partial, JSON.stringify(entry));
        renameSync(partial, file);
        pruneUnused(directory, file);
      } catch {
        // A read-only install: every process builds for itself, as without a cache.
      }
    },
  };
}

const resolutionFiles = ['node_modules', 'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock'];

function resolutionWitnesses(providerPath: string): string[] {
  const witnesses: string[] = [];
  for (let directory = dirname(providerPath); ; directory = dirname(directory)) {
    for (const name of resolutionFiles) witnesses.push(join(directory, name));
    if (dirname(directory) === directory) return witnesses;
  }
}

// An absent file is described as size and time -1, so that one appearing later invalidates the entry.
function describe(path: string): Entry['inputs'][number] {
  try {
    const stats = statSync(path);
    return { path, size: stats.size, mtimeMs: stats.mtimeMs };
  } catch {
    return { path, size: -1, mtimeMs: -1 };
  }
}

function unchanged(input: Entry['inputs'][number]): boolean {
  const now = describe(input.path);
  return now.size === input.size && now.mtimeMs === input.mtimeMs;
}

function pruneUnused(directory: string, keep: string): void {
  const oldestMs = Date.now() - unusedAgeMsMax;
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (path === keep) continue;
    try {
      if (statSync(path).mtimeMs < oldestMs) rmSync(path, { force: true });
    } catch {
      // Another process removed it first.
    }
  }
}
