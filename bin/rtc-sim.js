#!/usr/bin/env node
// The package's bin: runs the CLI in a child process supervised against provider code that blocks
// synchronously (see supervise.mjs). An installed package runs its compiled build (dist/cli.js); a clone of
// the repository runs its sources from an esbuild bundle (see self-bundle.mjs), or through tsx.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry, packageRoot, runEntry, runsFromSources } from './self-bundle.mjs';
import { superviseCli } from './supervise.mjs';

const childBundle = process.env.RTC_SIM_CLI_BUNDLE;
if (childBundle !== undefined) {
  // The supervised child.
  if (childBundle === '') await runEntry('src/cli.ts');
  else await import(pathToFileURL(childBundle).href);
} else {
  const bundle = runsFromSources ? await bundleEntry('src/cli.ts') : join(packageRoot, 'dist', 'cli.js');
  process.exitCode = await superviseCli(fileURLToPath(import.meta.url), process.argv.slice(2), { env: { RTC_SIM_CLI_BUNDLE: bundle ?? '' } });
}
