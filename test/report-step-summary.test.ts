import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { examplesTable } from '../src/cli/examples-command.ts';
import { markdownCell } from '../src/report/step-summary.ts';
import { repositoryRoot } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const directory = temporaryFolder('rtc-sim-summary-');

/** Runs the CLI in-process with a job summary file, as GitHub Actions sets GITHUB_STEP_SUMMARY; returns the file. */
async function withSummary(name: string, argv: readonly string[]): Promise<{ code: number; summary: string }> {
  const stepSummaryPath = join(directory, `${name}.md`);
  const code = await main([...argv], { out: () => {}, err: () => {}, colour: false, cwd: repositoryRoot, stepSummaryPath });
  return { code, summary: readFileSync(stepSummaryPath, 'utf8') };
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((match) => match[1] ?? '');
}

describe('the CI job summary (GITHUB_STEP_SUMMARY)', () => {
  it('check appends a verdict table and the shrunk failure as a Mermaid diagram that parses', async () => {
    const { code, summary } = await withSummary('check-fail', ['check', 'examples/providers/buggy-unawaited-write.ts', '--failures-dir', directory]);
    expect(code).toBe(1);
    expect(summary).toMatch(/^## rtc-sim check examples\/providers\/buggy-unawaited-write\.ts$/m);
    expect(summary).toContain('| module | verdict | property | runs | failing seed |');
    expect(summary).toMatch(/^\| `examples\/providers\/buggy-unawaited-write\.ts` \| ❌ fail \| hint-stability \| \d+ \| \d+ \|$/m);
    expect(summary).toMatch(/^- `node bin\/rtc-sim\.js replay --file .*\.json`$/m);
    const [diagram, ...others] = mermaidBlocks(summary);
    expect(others).toEqual([]);
    await expect(mermaid.parse(diagram ?? '')).resolves.toMatchObject({ diagramType: 'sequence' });
  });

  it('check of a passing provider appends its row and no diagram', async () => {
    const { code, summary } = await withSummary('check-pass', ['check', 'examples/providers/good-static-key.ts', '--runs', '200']);
    expect(code).toBe(0);
    expect(summary).toMatch(/^\| `examples\/providers\/good-static-key\.ts` \| ✅ pass \|  \| 200 \|  \|$/m);
    expect(mermaidBlocks(summary)).toEqual([]);
  });

  it('examples appends one row per example and a folded diagram per failing example, each parsing', async () => {
    const { summary } = await withSummary('examples', ['examples', 'examples/providers', '--runs', '300']);
    expect(summary).toMatch(/^## rtc-sim examples$/m);
    const rows = summary.split('\n').filter((line) => line.startsWith('| `examples/providers/'));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const failing = rows.filter((line) => line.includes('❌ fail'));
    const diagrams = mermaidBlocks(summary);
    expect(diagrams).toHaveLength(failing.length);
    expect(summary).toContain('<details><summary>Sequence diagram of the failing run (seed ');
    for (const diagram of diagrams) await expect(mermaid.parse(diagram)).resolves.toBeTruthy();
  });

  it('prints the examples table from the rows the summary gets, marking an example that misbehaved', () => {
    const table = examplesTable([
      { module: 'examples/providers/buggy-a.ts', expected: 'fail', verdict: 'fail', property: 'hint-stability', runs: 97, failingSeed: 97 },
      { module: 'my dir/good-b.ts', expected: 'pass', verdict: 'pass', property: '', runs: 2000, failingSeed: undefined },
      { module: 'examples/providers/buggy-c.ts', expected: 'fail', verdict: 'pass', property: '', runs: 300, failingSeed: undefined },
    ]);
    expect(table.split('\n')).toEqual([
      'example                        expected  verdict            property        runs  failing seed',
      '─────────────────────────────  ────────  ─────────────────  ──────────────  ────  ────────────',
      'examples/providers/buggy-a.ts  fail      fail               hint-stability  97    97',
      'my dir/good-b.ts               pass      pass                               2000',
      'examples/providers/buggy-c.ts  fail      pass (UNEXPECTED)                  300',
    ]);
  });

  it('keeps a message inside its table cell', () => {
    expect(markdownCell('a | b\nc <script>')).toBe('a \\| b c &lt;script&gt;');
  });
});
