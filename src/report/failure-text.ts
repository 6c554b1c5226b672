import type { FailureReport } from '../explore/failure-pipeline.ts';
import { wasShrunk } from '../explore/failure-pipeline.ts';
import type { CounterexampleSize } from '../explore/shrink.ts';
import { describeNearestPass } from './nearest-pass-text.ts';

// A failure made ready by the failure pipeline (src/explore/failure-pipeline.ts), in words: made here, at the
// edge, from its data.

/**
 * The lines between a failure's headline and the run shown below it. They say plainly which run that is —
 * the failing seed as found, or the shrunk run — and what each of them broke, before switching to it.
 */
export function shownRunLines(report: FailureReport): string[] {
  const { counterexample } = report;
  if (!wasShrunk(counterexample)) return [`seed ${report.seed} failed, shown below as found: ${report.message}`];
  const shrunkTo = `seed ${report.seed} failed; shrunk to ${sizeText(counterexample.after)} (from ${sizeText(counterexample.before)}; ${counterexample.shrinkAttempts} attempts)`;
  const shownMessage = counterexample.file.message;
  if (shownMessage === report.message) return [shrunkTo, `  seed ${report.seed} and the shrunk run shown below: ${shownMessage}`];
  return [shrunkTo, `  seed ${report.seed}: ${report.message}`, `  the shrunk run, shown below: ${shownMessage}`];
}

/** The nearest passing run of a failure, in words. */
export function nearestPassLines(report: FailureReport): readonly string[] {
  return describeNearestPass(report.nearest);
}

/** A counterexample's size in words. */
export function sizeText(size: CounterexampleSize): string {
  const instances = size.backendInstances === undefined ? '' : `${size.backendInstances} backend instance(s), `;
  return `${size.clients} client(s), ${instances}${size.documents} document(s), ${size.faults} fault(s), ${size.steps} events, ${size.nonDefaultDecisions} non-default decisions`;
}
