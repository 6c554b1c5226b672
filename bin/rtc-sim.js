#!/usr/bin/env node
// The package's bin: runs the CLI from its esbuild bundle (see self-bundle.mjs), or through tsx.
import { runEntry } from './self-bundle.mjs';

await runEntry('src/cli.ts');
