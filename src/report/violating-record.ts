import { createCheckers } from '../check/checkers.ts';
import type { TraceRecord } from '../model/observations.ts';
import type { RunOutcome } from '../simulate.ts';

/**
 * The index in `trace` of the record that broke the property, or -1 when the run did not end in a violation.
 * The checkers are observers, so running a fresh set over the recorded trace stops at the very record that
 * stopped the run; a violation found after the trace ended (liveness when nothing was left to happen) falls
 * back to the last record of the violation's step.
 */
export function violatingRecordIndex(trace: readonly TraceRecord[], outcome: RunOutcome): number {
  if (outcome.kind !== 'violation') return -1;
  const { violation } = outcome;
  const checkers = createCheckers().filter((checker) => checker.property === violation.property);
  for (let index = 0; index < trace.length; index++) {
    const record = trace[index];
    if (record === undefined || record.step > violation.step) break;
    for (const checker of checkers) if (checker.observe(record) !== undefined) return index;
  }
  return lastRecordOfStep(trace, violation.step);
}

/** The index of the last record stamped with `step`, or of the last record before it; -1 for an empty trace. */
export function lastRecordOfStep(trace: readonly TraceRecord[], step: number): number {
  for (let index = trace.length - 1; index >= 0; index--) if ((trace[index]?.step ?? Infinity) <= step) return index;
  return -1;
}
