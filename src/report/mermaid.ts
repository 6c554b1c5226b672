import type { TraceRecord } from '../model/observations.ts';
import type { RunOutcome } from '../simulate.ts';
import type { Registry } from '../config/registry.ts';
import { buildSequence, type SequenceDiagram, type SequenceItem } from './sequence.ts';

/** Options of the Mermaid rendering. */
export interface MermaidOptions {
  /** Keep only the last rows (those leading up to the violation), for places with a size limit. */
  readonly itemsMax?: number;
  /** Cut every text to this many characters (default 120). */
  readonly textLengthMax?: number;
  /** The components whose lifelines are drawn (default: the built-in ones). */
  readonly registry?: Registry;
}

// Characters that never mean anything to Mermaid's sequence grammar or its renderer; everything else in a
// user's string (`;` ends a statement, `#` starts an entity, newlines end a line, `$$` starts KaTeX, a
// backtick can close a Markdown fence, `<` starts HTML) is written as Mermaid's own entity code `#NNN;`.
// Quotes are plain: the grammar reads message and note text up to the end of the line, and keys read better.
const plainCharacter = /^[A-Za-z0-9 .,_()/+=*!?@'"^~|[\]{}:-]$/;

/** A user's string made safe for Mermaid text: unsafe characters as `#NNN;` entity codes, on one line. */
export function escapeMermaidText(text: string): string {
  let escaped = '';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0xfffd;
    if (plainCharacter.test(character) || (code >= 0xa0 && isSafeBeyondAscii(code, character))) escaped += character;
    else escaped += `#${isLoneSurrogate(character) ? 0xfffd : code};`;
  }
  return escaped;
}

/** A run as a Mermaid sequence diagram (the text after a ```mermaid fence). */
export function renderMermaid(trace: readonly TraceRecord[], outcome: RunOutcome, options: MermaidOptions = {}): string {
  return mermaidFromSequence(buildSequence(trace, outcome, options.registry), options);
}

/** A built sequence diagram as Mermaid text. */
export function mermaidFromSequence(diagram: SequenceDiagram, options: MermaidOptions = {}): string {
  const textLengthMax = options.textLengthMax ?? 120;
  const text = (value: string): string => escapeMermaidText(cut(value, textLengthMax));
  const lines = ['sequenceDiagram'];
  for (const participant of diagram.participants) {
    lines.push(participant.id === participant.label ? `  participant ${participant.id}` : `  participant ${participant.id} as ${text(participant.label)}`);
  }
  const omitted = options.itemsMax === undefined ? 0 : Math.max(0, diagram.items.length - options.itemsMax);
  const everyLifeline = diagram.participants.length > 1 ? `${diagram.participants[0]?.id},${diagram.participants.at(-1)?.id}` : (diagram.participants[0]?.id ?? 'server');
  if (omitted > 0) lines.push(`  Note over ${everyLifeline}: ${text(`… ${omitted} earlier rows not shown`)}`);
  for (const item of diagram.items.slice(omitted)) lines.push(...itemLines(item, text));
  return lines.join('\n');
}

function itemLines(item: SequenceItem, text: (value: string) => string): string[] {
  if (item.kind === 'message') return [`  ${item.from}${item.reply ? '-->>' : '->>'}${item.to}: ${text(item.text)}`];
  const note = `  Note over ${item.over.join(',')}: ${text(item.text)}`;
  // A tinted block makes the violation stand out wherever the diagram is rendered.
  return item.tone === 'violation' ? ['  rect rgb(255, 228, 228)', `  ${note}`, '  end'] : [note];
}

function cut(value: string, lengthMax: number): string {
  const characters = [...value];
  return characters.length <= lengthMax ? value : `${characters.slice(0, lengthMax - 1).join('')}…`;
}

function isLoneSurrogate(character: string): boolean {
  const code = character.charCodeAt(0);
  return character.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

// Beyond ASCII: line and paragraph separators end lines in some renderers, and noncharacters or a byte-order
// mark are invisible trouble; lone surrogates are not characters at all.
function isSafeBeyondAscii(code: number, character: string): boolean {
  if (isLoneSurrogate(character)) return false;
  if (code === 0x2028 || code === 0x2029 || code === 0xfeff) return false;
  if (code >= 0xfdd0 && code <= 0xfdef) return false;
  return (code & 0xfffe) !== 0xfffe && !(code >= 0x80 && code < 0xa0);
}
