import { appendFileSync } from 'node:fs';
import type { SimulationResult } from '../simulate.ts';
import { renderMermaid } from './mermaid.ts';

/** One row of a verdict table. */
export interface VerdictRow {
  readonly module: string;
  /** For `examples`: what the file's name promises (`good-*` pass, `buggy-*` fail). */
  readonly expected?: 'pass' | 'fail';
  readonly verdict: 'pass' | 'fail';
  readonly property: string;
  readonly runs: number;
  readonly failingSeed: number | undefined;
}

/** A failure to show under the table: what broke, how to replay it, and the run to draw. */
export interface SummaryFailure {
  readonly module: string;
  readonly property: string;
  readonly message: string;
  readonly replayLines: readonly string[];
  readonly run: SimulationResult;
  /** What the diagram shows, e.g. "the shrunk run" or "the failing run (seed 11)". */
  readonly runName: string;
}

/** A Markdown report for a CI job summary. */
export interface StepSummary {
  readonly title: string;
  readonly rows: readonly VerdictRow[];
  readonly failures: readonly SummaryFailure[];
  /** Whether the failures' details start open (a single check) or folded (a table of examples). */
  readonly open: boolean;
}

// GitHub renders at most ~50,000 characters of Mermaid per diagram; the last rows before the violation tell
// the story, so longer runs keep those.
const diagramRowsMax = 150;

/** The summary as GitHub-flavoured Markdown: a verdict table, then each failure with a Mermaid diagram. */
export function stepSummaryMarkdown(summary: StepSummary): string {
  const withExpected = summary.rows.some((row) => row.expected !== undefined);
  const header = withExpected ? ['module', 'expected', 'verdict', 'property', 'runs', 'failing seed'] : ['module', 'verdict', 'property', 'runs', 'failing seed'];
  const lines = [`## ${markdownCell(summary.title)}`, '', `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of summary.rows) {
    const cells = [
      `\`${row.module.replaceAll('`', "'")}\``,
      ...(withExpected ? [row.expected ?? ''] : []),
      verdictCell(row),
      row.property,
      String(row.runs),
      row.failingSeed === undefined ? '' : String(row.failingSeed),
    ];
    lines.push(`| ${cells.map(markdownCell).join(' | ')} |`);
  }
  for (const failure of summary.failures) lines.push('', ...failureSection(failure, summary.open));
  return `${lines.join('\n')}\n`;
}

/** Appends Markdown to the job summary file (`GITHUB_STEP_SUMMARY`). */
export function appendStepSummary(path: string, markdown: string): void {
  appendFileSync(path, `${markdown}\n`);
}

function failureSection(failure: SummaryFailure, open: boolean): string[] {
  return [
    `### ✗ ${markdownCell(failure.module)}: ${markdownCell(failure.property)}`,
    '',
    markdownCell(failure.message),
    '',
    ...failure.replayLines.map((line) => `- \`${line.replaceAll('`', "'")}\``),
    '',
    `<details${open ? ' open' : ''}><summary>Sequence diagram of ${markdownCell(failure.runName)}</summary>`,
    '',
    '```mermaid',
    renderMermaid(failure.run.trace ?? [], failure.run.outcome, { itemsMax: diagramRowsMax }),
    '```',
    '',
    '</details>',
  ];
}

function verdictCell(row: VerdictRow): string {
  const mark = row.verdict === 'pass' ? '✅ pass' : '❌ fail';
  return row.expected !== undefined && row.expected !== row.verdict ? `${mark} (UNEXPECTED)` : mark;
}

/** Text that stays inside one Markdown table cell or paragraph: pipes escaped, HTML defused, one line. */
export function markdownCell(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
