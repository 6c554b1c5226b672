import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failureStem } from '../explore/decision-file.ts';
import type { SimulationResult } from '../simulate.ts';
import { renderHtmlReport } from './html.ts';
import { renderMermaid } from './mermaid.ts';
import { stringifyTraceJson, toTraceJson } from './trace-json.ts';

/** What `check --out` writes about a failing run. */
export interface ReportFilesParts {
  readonly directory: string;
  /** The provider module (or in-process name) that ran. */
  readonly module: string;
  /** The backend module it ran with, if any: part of the file names. */
  readonly backend?: string | undefined;
  /** The seed the failure was found with: part of the file names, as in the decision file's name. */
  readonly seed: number;
  /** The file names' stem when the decision file was saved: the same as its name (absent: made from the modules and seed). */
  readonly stem?: string | undefined;
  /** The run, recorded: the shrunk counterexample. */
  readonly result: SimulationResult;
  /** Per step, `null` where the choice was the default one. */
  readonly defaults?: readonly (string | null)[];
  /** Lines for the HTML report's summary. */
  readonly summary?: readonly string[];
  /** The nearest passing run in words, for the HTML report. */
  readonly nearestPass?: readonly string[];
}

/** The paths written. */
export interface ReportFilePaths {
  readonly traceJson: string;
  readonly mermaid: string;
  readonly html: string;
}


/** Writes `<stem>.trace.json`, `<stem>.mmd` and `<stem>.html` into the directory (made if missing). */
export function writeReportFiles(parts: ReportFilesParts): ReportFilePaths {
  mkdirSync(parts.directory, { recursive: true });
  const stem = join(parts.directory, parts.stem ?? failureStem(parts.module, parts.seed, parts.backend));
  const paths = { traceJson: `${stem}.trace.json`, mermaid: `${stem}.mmd`, html: `${stem}.html` };
  const trace = parts.result.trace ?? [];
  writeFileSync(paths.traceJson, stringifyTraceJson(toTraceJson({ module: parts.module, result: parts.result, ...(parts.defaults === undefined ? {} : { defaults: parts.defaults }) })));
  writeFileSync(paths.mermaid, `${renderMermaid(trace, parts.result.outcome)}\n`);
  const { summary, nearestPass } = parts;
  writeFileSync(paths.html, renderHtmlReport({ module: parts.module, result: parts.result, ...(summary === undefined ? {} : { summary }), ...(nearestPass === undefined ? {} : { nearestPass }) }));
  return paths;
}
