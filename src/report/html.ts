import type { SimulationResult } from '../simulate.ts';
import { clientStateFrames } from './client-states.ts';
import { describeRecord } from './describe-record.ts';
import { formatTime } from '../kernel/format.ts';
import { escapeXml, renderSequenceSvg } from './html-diagram.ts';
import { pageScript } from './html-page-script.ts';
import { pageStyle } from './html-page-style.ts';
import { buildSequence } from './sequence.ts';
import { outcomeLine } from './timeline.ts';
import { violatingRecordIndex } from './violating-record.ts';

/** What the HTML report shows besides the run itself. */
export interface HtmlReportParts {
  /** The provider module (or in-process name) that ran. */
  readonly module: string;
  /** The run, recorded (trace kept): usually the shrunk counterexample. */
  readonly result: SimulationResult;
  /** Lines shown under the verdict: how it was found, how to replay it. */
  readonly summary?: readonly string[];
  /** The nearest passing run in words (its first line a heading, the rest its details). */
  readonly nearestPass?: readonly string[];
}

/**
 * One self-contained HTML file: the verdict, a step-through of the run (Forward/Back, ←/→) with every
 * client's state at the current record, the sequence diagram as inline SVG, the timeline and the resolved
 * configuration. No external script, style, font or image: it opens from disk, offline, as an artifact.
 */
export function renderHtmlReport(parts: HtmlReportParts): string {
  const { result } = parts;
  const trace = result.trace ?? [];
  const violationIndex = violatingRecordIndex(trace, result.outcome);
  const data = {
    records: trace.map((record) => ({ step: record.step, time: formatTime(record.timeMs), actor: record.actor, text: describeRecord(record) })),
    frames: clientStateFrames(trace),
    violationIndex,
  };
  const verdict = outcomeLine(result.outcome);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>rtc-sim: ${escapeXml(parts.module)}</title>
<style>${pageStyle}</style>
</head>
<body>
<header>
<h1>rtc-sim report <span class="module">${escapeXml(parts.module)}</span></h1>
<p id="verdict" class="verdict outcome-${result.outcome.kind}">${escapeXml(verdict)}</p>
${summaryList(parts.summary ?? [])}
${nearestPassBlock(parts.nearestPass ?? [])}
</header>
<section id="step-through" aria-label="step through the run">
<div class="controls">
<button id="start" type="button" title="Home">◀◀ Start</button>
<button id="back" type="button" title="←">◀ Back</button>
<button id="forward" type="button" title="→">Forward ▶</button>
<button id="to-violation" type="button" title="End">Violation ▶▶</button>
<span id="position" aria-live="polite"></span>
<span class="hint">keys: ← → Home End</span>
</div>
<p id="current-record"><span id="current-actor"></span> <span id="current-event"></span></p>
<table id="client-states">
<thead><tr><th>client</th><th>document</th><th>state</th><th>waiting for</th><th>key held</th><th>key hint</th><th>pending provider call</th><th>last event</th></tr></thead>
<tbody></tbody>
</table>
</section>
<section id="diagram" aria-label="sequence diagram">
<h2>Sequence diagram</h2>
<div class="diagram-scroll">${renderSequenceSvg(buildSequence(trace, result.outcome))}</div>
</section>
<section id="timeline-section">
<h2>Timeline</h2>
<ol id="timeline">${data.records.map((record, index) => timelineRow(record, index, violationIndex)).join('')}</ol>
</section>
<section id="configuration">
<h2>Configuration</h2>
${configurationTable(result.config)}
</section>
<script type="application/json" id="report-data">${scriptSafeJson(data)}</script>
<script>${pageScript}</script>
</body>
</html>
`;
}

/** JSON that cannot end the `<script>` element it sits in. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function summaryList(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `<ul class="summary">${lines.map((line) => `<li>${escapeXml(line)}</li>`).join('')}</ul>`;
}

function nearestPassBlock(lines: readonly string[]): string {
  const [first, ...details] = lines;
  if (first === undefined) return '';
  const items = details.map((line) => `<li>${escapeXml(line.trim())}</li>`).join('');
  return `<div id="nearest-pass"><p>${escapeXml(first)}</p>${items === '' ? '' : `<ul>${items}</ul>`}</div>`;
}

function timelineRow(record: { step: number; time: string; actor: string; text: string }, index: number, violationIndex: number): string {
  const classes = index === violationIndex ? ' class="violating"' : '';
  return `<li data-record="${index}"${classes}><span class="step">${record.step}</span><span class="time">${escapeXml(record.time)}</span><span class="actor">${escapeXml(record.actor)}</span><span class="text">${escapeXml(record.text)}</span></li>`;
}

function configurationTable(config: object): string {
  const rows = Object.entries(config).map(([field, value]) => `<tr><th>${escapeXml(field)}</th><td>${escapeXml(typeof value === 'object' ? JSON.stringify(value) : String(value))}</td></tr>`);
  return `<table class="configuration">${rows.join('')}</table>`;
}
