// `npm run docs:samples`: rewrites the README's marked samples from real runs (see readme-samples.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot, rewriteReadme } from './readme-samples.ts';

const path = join(repositoryRoot, 'README.md');
const before = readFileSync(path, 'utf8');
const after = await rewriteReadme(before);
writeFileSync(path, after);
process.stdout.write(after === before ? 'README.md: samples already match\n' : 'README.md: samples rewritten\n');
