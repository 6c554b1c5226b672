import type { TraceRecord } from '../model/observations.ts';
import type { RunOutcome } from '../simulate.ts';

/**
 * The index in `trace` of the record that broke the property, as the violation carries it, or -1 when the
 * run did not end in a violation or kept no trace.
 */
export function violatingRecordIndex(trace: readonly TraceRecord[], outcome: RunOutcome): number {
  if (outcome.kind !== 'violation') return -1;
  const index = outcome.violation.recordIndex;
  return index !== undefined && index < trace.length ? index : -1;
}
