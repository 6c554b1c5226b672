#!/usr/bin/env node
// The package's bin: runs the CLI from its esbuild bundle (see self-bundle.mjs), or through tsx, in a child
// process supervised against provider code that blocks synchronously (see supervise.mjs).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry, runEntry } from './self-bundle.mjs';
import { superviseCli } from './supervise.mjs';

const childBundle = process.env.RTC_SIM_CLI_BUNDLE;
if (childBundle !== undefined) {
  // The supervised child.
  if (childBundle === '') await runEntry('src/cli.ts');
  else await import(pathToFileURL(childBundle).href);
} else {
  const bundle = await bundleEntry('src/cli.ts');
  process.exitCode = await superviseCli(fileURLToPath(import.meta.url), process.argv.slice(2), { env: { RTC_SIM_CLI_BUNDLE: bundle ?? '' } });
}
