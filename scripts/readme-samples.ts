// The README's samples of output, made from real runs: each marked block of README.md is the output of one
// command, run in-process from the repository root. `npm run docs:samples` rewrites the blocks;
// test/readme-samples.test.ts fails when they drift from what these commands print.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { packageRoot } from '../src/package-root.ts';

/** The repository root (with a trailing slash): the commands run from it, and the samples' paths are relative to it. */
export const repositoryRoot = packageRoot;

/** A sample of the README: the command that makes it, and which of its lines to keep. */
export interface ReadmeSample {
  readonly argv: readonly string[];
  /** The lines of the output the block shows (default: all). */
  readonly select?: (lines: readonly string[]) => readonly string[];
  /** Indent of the block's lines (an indented code block rather than a fenced one). */
  readonly indent?: string;
}

/**
 * Where the samples' decision files go: a git-ignored folder emptied before every sample, so that a file left
 * by an earlier run (of another world: its name then gets a hash) never changes what a sample prints.
 */
const samplesFailuresDir = 'rtc-sim-failures/readme-samples';

/** The failing check every failure sample comes from. */
const failingCheck = ['check', 'examples/providers/buggy-unawaited-write.ts', '--failures-dir', samplesFailuresDir];

/** The failing stack check of the stack sample: the raw-SQL stack's check-then-insert backend. */
const failingStackCheck = [
  'check',
  'examples/stacks/pglite-raw-sql/provider.ts',
  '--backend',
  'examples/stacks/pglite-raw-sql/buggy-check-then-insert.ts',
  '--failures-dir',
  samplesFailuresDir,
  '--no-typecheck',
];

/** The samples by name, as the README's markers name them. */
export const readmeSamples: Readonly<Record<string, ReadmeSample>> = {
  examples: { argv: ['examples'] },
  'stack-failure': { argv: failingStackCheck },
  'check-failure': { argv: failingCheck },
  'nearest-pass': {
    argv: failingCheck,
    indent: '    ',
    select: (lines) => {
      const start = lines.findIndex((line) => line.startsWith('nearest passing run:'));
      const end = lines.findIndex((line, index) => index > start && line === '');
      return lines.slice(start, end);
    },
  },
};

/** Runs a sample's command in-process and returns the lines it shows, machine-specific paths elided. */
export async function runSample(sample: ReadmeSample, argvOverride?: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  rmSync(join(repositoryRoot, samplesFailuresDir), { recursive: true, force: true });
  await main(argvOverride ?? sample.argv, { out: (text) => out.push(text), err: () => undefined, colour: false, cwd: repositoryRoot });
  const lines = out.join('\n').replaceAll(repositoryRoot, '…/').split('\n');
  return [...(sample.select?.(lines) ?? lines)].map((line) => line.trimEnd());
}

/** A marked block: `<!-- sample: NAME … -->`, then its lines, then `<!-- /sample -->`. */
interface MarkedBlock {
  readonly name: string;
  /** Index of the first line after the opening marker, and of the closing marker. */
  readonly start: number;
  readonly end: number;
}

/** The README's marked blocks, in order. */
export function markedBlocks(readme: string): MarkedBlock[] {
  const lines = readme.split('\n');
  const blocks: MarkedBlock[] = [];
  lines.forEach((line, index) => {
    const name = /^<!-- sample: ([\w-]+)/.exec(line)?.[1];
    if (name === undefined) return;
    const end = lines.findIndex((other, after) => after > index && other.startsWith('<!-- /sample'));
    if (end < 0) throw new Error(`README.md: the sample "${name}" opened at line ${index + 1} is never closed`);
    blocks.push({ name, start: index + 1, end });
  });
  return blocks;
}

/** The lines a marked block shows, without its fences and indent. */
export function blockLines(readme: string, block: MarkedBlock): string[] {
  const sample = readmeSamples[block.name];
  const lines = readme.split('\n').slice(block.start, block.end);
  if (sample?.indent !== undefined) return lines.map((line) => line.slice(sample.indent?.length ?? 0));
  return lines.slice(1, -1);
}

/** The block's text for the given output lines: fenced, or indented. */
export function blockText(sample: ReadmeSample, lines: readonly string[]): string[] {
  if (sample.indent !== undefined) return lines.map((line) => `${sample.indent}${line}`.trimEnd());
  return ['```', ...lines, '```'];
}

/** The README with every marked block replaced by its command's output now. */
export async function rewriteReadme(readme: string): Promise<string> {
  const lines = readme.split('\n');
  const outputs = new Map<string, string[]>();
  // From the last block backwards, so that earlier blocks' line numbers hold.
  for (const block of markedBlocks(readme).reverse()) {
    const sample = readmeSamples[block.name];
    if (sample === undefined) throw new Error(`README.md names an unknown sample "${block.name}"`);
    const key = sample.argv.join(' ');
    const output = outputs.get(key) ?? (await runSample({ argv: sample.argv }));
    outputs.set(key, output);
    lines.splice(block.start, block.end - block.start, ...blockText(sample, sample.select?.(output) ?? output));
  }
  return lines.join('\n');
}
