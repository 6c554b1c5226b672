/** The HTML report's style sheet, inlined in the page. */
export const pageStyle = `
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --paper: #ffffff; --wash: #f6f8fa;
  --fail: #cf222e; --fail-wash: #ffebe9; --pass: #1a7f37; --provider: #ddf4ff; --phase: #eaeef2; --current: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--paper); }
header, section { padding: 12px 24px; }
h1 { font-size: 20px; margin: 4px 0 8px; }
h1 .module { font: 15px ui-monospace, Menlo, Consolas, monospace; color: var(--muted); margin-left: 8px; }
h2 { font-size: 16px; margin: 8px 0; }
.verdict { font-weight: 600; padding: 8px 12px; border-radius: 6px; margin: 0 0 8px; }
.outcome-violation, .outcome-limit { background: var(--fail-wash); color: var(--fail); }
.outcome-pass { background: #dafbe1; color: var(--pass); }
.summary { margin: 0; padding-left: 20px; color: var(--muted); font-size: 13px; }
.summary li { margin: 2px 0; overflow-wrap: anywhere; }
#nearest-pass { margin: 10px 0 0; padding: 8px 12px; border-left: 4px solid var(--pass); background: #f0fff4; border-radius: 0 6px 6px 0; font-size: 13px; }
#nearest-pass p { margin: 0; font-weight: 600; }
#nearest-pass ul { margin: 4px 0 0; padding-left: 20px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
#nearest-pass li { overflow-wrap: anywhere; }
#step-through { background: var(--wash); border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--paper); cursor: pointer; }
button:disabled { opacity: 0.45; cursor: default; }
#position { font-weight: 600; margin-left: 8px; }
.hint { color: var(--muted); font-size: 12px; margin-left: auto; }
#current-record { font: 13px ui-monospace, Menlo, Consolas, monospace; margin: 8px 0; padding: 6px 10px; background: var(--current);
  border-radius: 6px; overflow-wrap: anywhere; }
#current-record.violating { background: var(--fail-wash); color: var(--fail); font-weight: 600; }
#current-actor { font-weight: 700; }
table { border-collapse: collapse; }
#client-states { width: 100%; font-size: 13px; background: var(--paper); }
#client-states th, #client-states td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
#client-states th, #client-states td:nth-child(-n+3) { white-space: nowrap; }
#client-states td { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
#client-states td:last-child { color: var(--muted); max-width: 420px; }
#client-states tr.acting { background: var(--current); }
#client-states tr.state-collaborating td:nth-child(3) { color: var(--pass); font-weight: 600; }
#client-states tr.state-failed td:nth-child(3) { color: var(--fail); font-weight: 600; }
.diagram-scroll { overflow: auto; border: 1px solid var(--line); border-radius: 6px; max-height: 62vh; background: var(--paper); position: relative; }
svg.sequence, svg.sequence-heads { display: block; font: 11px ui-monospace, Menlo, Consolas, monospace; }
svg.sequence-heads { position: sticky; top: 0; z-index: 1; }
svg.sequence-heads .heads-background { fill: var(--paper); }
svg.sequence-heads .lifeline { stroke: #afb8c1; stroke-dasharray: 4 4; }
svg.sequence .lifeline { stroke: #afb8c1; stroke-dasharray: 4 4; }
svg.sequence-heads .participant { fill: var(--wash); stroke: #8c959f; }
svg.sequence-heads .participant-label { text-anchor: middle; font-weight: 700; font-size: 12px; fill: var(--ink); }
svg.sequence .item text { text-anchor: middle; fill: var(--ink); }
svg.sequence .message line { stroke: var(--ink); stroke-width: 1.2; }
svg.sequence .message.reply line { stroke-dasharray: 5 3; stroke: var(--muted); }
svg.sequence marker path { fill: var(--ink); }
svg.sequence .note rect { fill: #fff8e1; stroke: #d4a72c; }
svg.sequence .tone-provider rect { fill: var(--provider); stroke: #54aeff; }
svg.sequence .tone-phase rect { fill: var(--phase); stroke: #afb8c1; }
svg.sequence .tone-violation rect { fill: var(--fail-wash); stroke: var(--fail); stroke-width: 1.5; }
svg.sequence .tone-violation text { fill: var(--fail); font-weight: 700; }
svg.sequence .item.future { opacity: 0.3; }
svg.sequence .item.current rect { stroke: #bf8700; stroke-width: 2.5; }
svg.sequence .item.current.message line { stroke: #bf8700; stroke-width: 2.5; }
svg.sequence .item.current text { font-weight: 700; }
#timeline { font: 12px ui-monospace, Menlo, Consolas, monospace; list-style: none; padding: 0; margin: 0; max-height: 40vh; overflow: auto;
  border: 1px solid var(--line); border-radius: 6px; }
#timeline li { display: grid; grid-template-columns: 4em 8em 6em 1fr; gap: 8px; padding: 1px 8px; cursor: pointer; }
#timeline li:hover { background: var(--wash); }
#timeline li.current { background: var(--current); }
#timeline li.future { color: var(--muted); }
#timeline li.violating { color: var(--fail); font-weight: 600; }
#timeline .step, #timeline .time { text-align: right; color: var(--muted); }
#timeline .text { overflow-wrap: anywhere; }
.configuration th, .configuration td { text-align: left; padding: 2px 10px 2px 0; font-size: 13px; vertical-align: top; }
.configuration td { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
`;
