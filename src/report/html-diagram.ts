import type { SequenceDiagram, SequenceItem } from './sequence.ts';

const columnWidth = 210;
const marginX = 16;
const headerHeight = 46;
const rowHeight = 26;
const characterWidth = 6.7; // 11px monospace
const noteWidthMax = 380;

/** Escapes text for XML and HTML (element content and quoted attributes alike). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * Draws a sequence diagram as inline SVG: a strip of lifeline heads (kept in view while the diagram scrolls),
 * then the lifelines with one row per item, every item a `<g>` carrying `data-record` (the trace record it
 * shows) so that the page's step-through can mark the current one. Texts are cut to fit; the full text is
 * each item's `<title>` (a tooltip).
 */
export function renderSequenceSvg(diagram: SequenceDiagram): string {
  const columns = new Map(diagram.participants.map((participant, index) => [participant.id, marginX + columnWidth / 2 + index * columnWidth]));
  // Room on the right for notes over the last lifeline, which would otherwise be cut short.
  const width = marginX * 2 + Math.max(1, diagram.participants.length) * columnWidth + 120;
  const height = (diagram.items.length + 1) * rowHeight;
  const heads = diagram.participants.map((participant) => {
    const x = columns.get(participant.id) ?? 0;
    return `<rect class="participant" x="${x - 70}" y="8" width="140" height="30" rx="4"/><text class="participant-label" x="${x}" y="28">${escapeXml(participant.label)}</text>`;
  });
  const lifelines = [...columns.values()].map((x) => `<line class="lifeline" x1="${x}" y1="0" x2="${x}" y2="${height}"/>`);
  const rows = diagram.items.map((item, index) => itemSvg(item, { y: (index + 1) * rowHeight, columns, index, width }));
  return [
    `<svg class="sequence-heads" width="${width}" height="${headerHeight}" viewBox="0 0 ${width} ${headerHeight}" aria-hidden="true">`,
    `<rect class="heads-background" x="0" y="0" width="${width}" height="${headerHeight}"/>`,
    ...heads,
    ...[...columns.values()].map((x) => `<line class="lifeline" x1="${x}" y1="38" x2="${x}" y2="${headerHeight}"/>`),
    '</svg>',
    `<svg class="sequence" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram of the run">`,
    '<defs><marker id="arrow-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ...lifelines,
    ...rows,
    '</svg>',
  ].join('\n');
}

/** Where one row goes: its baseline, the lifelines' x, its position, and the drawing's width. */
interface RowPlace {
  readonly y: number;
  readonly columns: ReadonlyMap<string, number>;
  readonly index: number;
  readonly width: number;
}

function itemSvg(item: SequenceItem, place: RowPlace): string {
  const { y, columns, index } = place;
  const attributes = `data-record="${item.recordIndex}" data-item="${index}"`;
  if (item.kind === 'message') {
    const from = columns.get(item.from) ?? 0;
    const to = columns.get(item.to) ?? 0;
    const label = fit(item.text, Math.max(24, Math.floor((Math.abs(to - from) - 12) / characterWidth)));
    return (
      `<g class="item message${item.reply ? ' reply' : ''}" ${attributes}><title>${escapeXml(item.text)}</title>` +
      `<line x1="${from}" y1="${y}" x2="${to}" y2="${y}" marker-end="url(#arrow-head)"/>` +
      `<text x="${(from + to) / 2}" y="${y - 5}">${escapeXml(label)}</text></g>`
    );
  }
  const xs = item.over.map((id) => columns.get(id) ?? 0);
  const left = Math.min(...xs);
  const right = Math.max(...xs);
  const spanning = right > left;
  const widthMax = spanning ? right - left + columnWidth - 20 : noteWidthMax;
  const label = fit(item.text, Math.floor((widthMax - 14) / characterWidth));
  const width = Math.min(place.width - 4, spanning ? widthMax : [...label].length * characterWidth + 14);
  // Centred on its lifelines, but kept inside the drawing (a note over the first or last lifeline).
  const x = Math.min(Math.max(2, (left + right) / 2 - width / 2), place.width - width - 2);
  return (
    `<g class="item note tone-${item.tone}" ${attributes}><title>${escapeXml(item.text)}</title>` +
    `<rect x="${x.toFixed(1)}" y="${y - 10}" width="${width.toFixed(1)}" height="20" rx="3"/>` +
    `<text x="${(x + width / 2).toFixed(1)}" y="${y + 4}">${escapeXml(label)}</text></g>`
  );
}

function fit(text: string, charactersMax: number): string {
  const characters = [...text];
  return characters.length <= charactersMax ? text : `${characters.slice(0, Math.max(1, charactersMax - 1)).join('')}…`;
}
