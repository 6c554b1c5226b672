import type { Violation } from '../check/violation.ts';
import type { TraceRecord } from '../model/observations.ts';
import type { RunOutcome } from '../simulate.ts';
import { describeRecord } from './describe-record.ts';
import { formatTime } from '../kernel/format.ts';
import { violatingRecordIndex } from './violating-record.ts';
import { assertNever } from '../kernel/assert-never.ts';

/** How to paint the timeline; plain text when no painter is given. */
export interface Painter {
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly red: (text: string) => string;
}

const plain: Painter = { dim: (text) => text, bold: (text) => text, red: (text) => text };

/**
 * The run as one line per record: step, virtual time, actor, what happened; the violation last. The record
 * that broke the property is painted red (only the painter marks it, so plain text stays as it was).
 */
export function renderTimeline(trace: readonly TraceRecord[], outcome: RunOutcome, painter: Painter = plain): string {
  const violating = painter === plain ? -1 : violatingRecordIndex(trace, outcome);
  // Wide enough for the latest time (a retention horizon a year on), so that the rows stay in line.
  const timeWidth = Math.max(12, formatTime(trace.at(-1)?.timeMs ?? 0).length);
  const lines = trace.map((record, index) => {
    const head = `${String(record.step).padStart(4)} ${formatTime(record.timeMs).padStart(timeWidth)}  ${record.actor.padEnd(8)}`;
    return index === violating ? painter.red(painter.bold(`${head} ${describeRecord(record)}`)) : `${painter.dim(head)} ${describeRecord(record)}`;
  });
  lines.push(painter.bold(outcomeLine(outcome)));
  return lines.join('\n');
}

/** One line saying how the run ended. */
export function outcomeLine(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'pass':
      return '✓ every property held';
    case 'violation':
      return violationLine(outcome.violation);
    case 'limit':
      return `! bound reached: ${outcome.message}`;
    case 'abandoned':
      return '· abandoned as redundant (exhaustive search)';
    default:
      return assertNever(outcome, 'outcome');
  }
}

/** One line naming a violated property and where it broke. */
export function violationLine(violation: Violation): string {
  return `✗ ${violation.property} violated at step ${violation.step} (${formatTime(violation.timeMs)}, ${violation.actor}): ${violation.message}`;
}
