import { describeNetworkMessage } from '../model/messages.ts';
import type { TraceRecord } from '../model/observations.ts';
import type { RunOutcome } from '../simulate.ts';
import { describeRecord } from './describe-record.ts';
import { shortKey } from '../kernel/format.ts';
import { violationLine } from './timeline.ts';
import { violatingRecordIndex } from './violating-record.ts';
import { builtInRegistry } from '../config/components.ts';
import type { Registry } from '../config/registry.ts';

/** A lifeline of the diagram: `id` is safe as a Mermaid identifier, `label` is what a person reads. */
export interface SequenceParticipant {
  readonly id: string;
  readonly label: string;
}

/** How a note is drawn: a provider exchange, a world phase, the violation, or anything else. */
export type NoteTone = 'plain' | 'provider' | 'phase' | 'violation';

/** One row of a sequence diagram; `recordIndex` ties it to the trace record it shows (-1: none). */
export type SequenceItem =
  | {
      readonly kind: 'message';
      readonly recordIndex: number;
      readonly from: string;
      readonly to: string;
      readonly text: string;
      /** A reply (dashed): the key store answering an operation. */
      readonly reply: boolean;
    }
  | { readonly kind: 'note'; readonly recordIndex: number; readonly over: readonly string[]; readonly text: string; readonly tone: NoteTone };

/** A run as a sequence diagram: lifelines left to right, rows top to bottom. */
export interface SequenceDiagram {
  readonly participants: readonly SequenceParticipant[];
  readonly items: readonly SequenceItem[];
}

/** The key store's lifeline. */
export const keyStoreId = 'keyStore';

/**
 * Builds the diagram of a run: clients, the server, the key store and the retention probes as lifelines; the
 * messages as they are delivered; provider calls and answers as notes; key-store operations as a request and
 * its reply; and the violation as a note right after the record that broke the property.
 */
export function buildSequence(trace: readonly TraceRecord[], outcome: RunOutcome, registry: Registry = builtInRegistry): SequenceDiagram {
  const participants = participantsOf(trace, registry);
  const lifelines: Lifelines = {
    known: new Set(participants.map((entry) => entry.id)),
    all: participants.length > 1 ? [participants[0]?.id ?? '', participants.at(-1)?.id ?? ''] : participants.map((entry) => entry.id),
  };
  const violationIndex = violatingRecordIndex(trace, outcome);
  const items: SequenceItem[] = [];
  trace.forEach((record, recordIndex) => {
    items.push(...itemsOf(record, recordIndex, lifelines));
    if (recordIndex === violationIndex && outcome.kind === 'violation') {
      items.push({ kind: 'note', recordIndex, over: overActor(outcome.violation.actor, lifelines), text: violationLine(outcome.violation), tone: 'violation' });
    }
  });
  if (violationIndex === -1 && outcome.kind === 'violation') {
    items.push({ kind: 'note', recordIndex: trace.length - 1, over: lifelines.all, text: violationLine(outcome.violation), tone: 'violation' });
  }
  return { participants, items };
}

/** A participant identifier for an actor of the trace: letters, digits and underscores only. */
export function participantId(actor: string): string {
  return actor.replace(/[^A-Za-z0-9_]/g, '');
}

// Every registered component draws its own lifelines, in registration order (clients, server, key store, probes).
function participantsOf(trace: readonly TraceRecord[], registry: Registry): SequenceParticipant[] {
  const actors = [...new Set(trace.map((record) => record.actor))];
  return registry.lifelines(actors).map((lifeline) => ({ id: participantId(lifeline.actor), label: lifeline.label }));
}

/** The declared lifelines, and the first and last of them (a note over every lifeline spans those two). */
interface Lifelines {
  readonly known: ReadonlySet<string>;
  readonly all: readonly string[];
}

// The states a client passes through on its way are implied by the messages around them; these are not.
const notableStates: ReadonlySet<string> = new Set(['collaborating', 'failed', 'disconnected']);

function overActor(actor: string, lifelines: Lifelines): readonly string[] {
  const id = participantId(actor);
  return lifelines.known.has(id) ? [id] : lifelines.all;
}

function itemsOf(record: TraceRecord, recordIndex: number, lifelines: Lifelines): SequenceItem[] {
  const note = (text: string, tone: NoteTone = 'plain'): SequenceItem[] => [{ kind: 'note', recordIndex, over: overActor(record.actor, lifelines), text, tone }];
  const actor = participantId(record.actor);
  // A lifeline the diagram does not know (an actor a newer model adds) gets a note instead of an arrow.
  const drawable = (...ids: string[]): boolean => ids.every((id) => lifelines.known.has(id));
  switch (record.kind) {
    case 'deliver':
      if (!drawable(actor, participantId(record.from))) return note(`${record.from} → ${record.actor}: ${describeNetworkMessage(record.message)}`);
      return [{ kind: 'message', recordIndex, from: participantId(record.from), to: actor, text: describeNetworkMessage(record.message), reply: false }];
    case 'store': {
      if (!drawable(actor)) return note(describeRecord(record));
      const value = record.value === undefined ? '' : `, ${shortKey(record.value)}`;
      return [
        { kind: 'message', recordIndex, from: actor, to: keyStoreId, text: `${record.operation}(${JSON.stringify(record.key)}${value})`, reply: false },
        { kind: 'message', recordIndex, from: keyStoreId, to: actor, text: record.result, reply: true },
      ];
    }
    case 'provider-call':
      return note(`provider(keyHint ${JSON.stringify(record.keyHint)})${record.attempt > 1 ? ` attempt ${record.attempt}` : ''}`, 'provider');
    case 'provider-answer':
      return note(`provider → key ${shortKey(record.key)}${record.hintGiven ? `, keyHint ${JSON.stringify(record.keyHint)}` : ''}`, 'provider');
    case 'provider-failure':
    case 'provider-contract':
      return note(describeRecord(record), 'provider');
    case 'state':
      return notableStates.has(record.state) ? note(describeRecord(record)) : [];
    case 'phase':
      return note(describeRecord(record), 'phase');
    default:
      return note(describeRecord(record));
  }
}
