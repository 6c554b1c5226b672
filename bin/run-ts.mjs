#!/usr/bin/env node
// Runs one of the package's TypeScript scripts from its bundle: `node bin/run-ts.mjs bench/run.ts [ARGS…]`.
// The script sees its own arguments from process.argv[2] on, as under tsx.
import { runEntry } from './self-bundle.mjs';

const [entry] = process.argv.splice(2, 1);
if (entry === undefined) {
  process.stderr.write('usage: node bin/run-ts.mjs PATH.ts [ARGS…] (PATH relative to the package root)\n');
  process.exit(2);
}
await runEntry(entry);
