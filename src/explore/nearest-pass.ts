import type { RunConfig } from '../config/run-config.ts';
import { replayStrategy } from './replay-strategy.ts';
import type { Strategy } from '../kernel/strategy.ts';
import type { TraceRecord } from '../model/observations.ts';
import type { ProviderSource } from '../providers/source.ts';
import { simulate, type SimulationResult } from '../simulate.ts';

/** Where to start looking: a failing run's world and its decisions (`null`: the default choice there). */
export interface NearestPassSearch {
  readonly source: ProviderSource;
  readonly config: RunConfig;
  readonly decisions: readonly (string | null)[];
  /** Runs to spend at most (default 300). */
  readonly attemptsMax?: number;
  /** How many steps before the violation to try a different event at (default: all, within the attempts). */
  readonly stepsBack?: number;
}

/** One decision that differs between the failing run and the passing one. */
export interface DecisionChange {
  /** The step (from 0, as the timeline, the trace and the decision log number them). */
  readonly step: number;
  readonly failingEvent: string;
  readonly passingEvent: string;
  /** The first record of that step in each run, when the event recorded anything. */
  readonly failingRecord: TraceRecord | undefined;
  readonly passingRecord: TraceRecord | undefined;
}

/** The passing run closest to a failing one, or an honest account of the search that found none. */
export type NearestPass =
  | {
      readonly kind: 'found';
      readonly changes: readonly DecisionChange[];
      readonly attempts: number;
      readonly failing: SimulationResult;
      readonly passing: SimulationResult;
    }
  | {
      readonly kind: 'none';
      readonly attempts: number;
      readonly failing: SimulationResult;
      /** Non-default decisions the failing run has, and steps where another event was tried. */
      readonly forcedDecisions: number;
      readonly stepsTried: number;
      /** Whether every candidate was tried (rather than the search stopping at `attemptsMax`). */
      readonly exhausted: boolean;
    }
  /** The run did not end in a violation (a bound, nondeterminism): there is no verdict to flip. */
  | { readonly kind: 'not-applicable'; readonly failing: SimulationResult };

const pairsForcedMax = 10;

/**
 * Finds a passing run that differs from the failing one in as few scheduling decisions as possible: first
 * each non-default decision turned back to the default, then each pair of them, then — from the violation
 * backwards — every other event that was enabled at a step. Each candidate is a replay by decision keys, so
 * the rest of the run stays as close to the failing one as the changed choice allows.
 */
export async function findNearestPass(search: NearestPassSearch): Promise<NearestPass> {
  const attemptsMax = search.attemptsMax ?? 300;
  const enabledAtStep: string[][] = [];
  const failing = await replayDecisions(search, search.decisions, enabledAtStep);
  if (failing.outcome.kind !== 'violation') return { kind: 'not-applicable', failing };
  const violationIndex = failing.outcome.violation.step;
  const forced = search.decisions.flatMap((decision, index) => (decision !== null && index <= violationIndex ? [index] : [])).reverse();
  let attempts = 0;
  let stepsTried = 0;
  let exhausted = true;
  for (const candidate of candidates(search.decisions, forced, failing, enabledAtStep, violationIndex, search.stepsBack ?? Infinity, () => stepsTried++)) {
    if (attempts >= attemptsMax) {
      exhausted = false;
      break;
    }
    attempts++;
    const passing = await replayDecisions(search, candidate.decisions, []);
    if (passing.outcome.kind === 'pass') {
      return { kind: 'found', changes: candidate.changed.map((index) => changeAt(index, failing, passing)), attempts, failing, passing };
    }
  }
  return { kind: 'none', attempts, failing, forcedDecisions: forced.length, stepsTried, exhausted };
}

interface Candidate {
  readonly decisions: readonly (string | null)[];
  /** Decision indexes that differ from the failing run's list. */
  readonly changed: readonly number[];
}

function* candidates(
  decisions: readonly (string | null)[],
  forced: readonly number[],
  failing: SimulationResult,
  enabledAtStep: readonly (readonly string[])[],
  violationIndex: number,
  stepsBack: number,
  onStep: () => void,
): Generator<Candidate> {
  const cleared = (indexes: readonly number[]): Candidate => ({
    decisions: decisions.map((decision, index) => (indexes.includes(index) ? null : decision)),
    changed: indexes,
  });
  for (const index of forced) yield cleared([index]);
  if (forced.length <= pairsForcedMax) {
    for (let first = 0; first < forced.length; first++) {
      for (let second = first + 1; second < forced.length; second++) yield cleared([forced[first] ?? 0, forced[second] ?? 0]);
    }
  }
  for (let index = violationIndex; index >= 0 && index > violationIndex - stepsBack; index--) {
    const taken = failing.decisions?.[index];
    const alternatives = (enabledAtStep[index] ?? []).filter((key) => key !== taken);
    if (alternatives.length > 0) onStep();
    for (const key of alternatives) {
      const changed = Array.from({ length: Math.max(decisions.length, index + 1) }, (_, position) => decisions[position] ?? null);
      changed[index] = key;
      yield { decisions: changed, changed: [index] };
    }
  }
}

/** Replays a decision list with its full trace, noting the keys enabled at every step. */
async function replayDecisions(search: NearestPassSearch, decisions: readonly (string | null)[], enabledAtStep: string[][]): Promise<SimulationResult> {
  const inner = replayStrategy(decisions);
  const noting: Strategy = {
    name: inner.name,
    choose(enabled, context) {
      enabledAtStep[context.step] = enabled.map((event) => event.key);
      return inner.choose(enabled, context);
    },
  };
  return simulate({ config: search.config, source: search.source, record: true, strategy: noting });
}

function changeAt(index: number, failing: SimulationResult, passing: SimulationResult): DecisionChange {
  return {
    step: index,
    failingEvent: failing.decisions?.[index] ?? '(none)',
    passingEvent: passing.decisions?.[index] ?? '(none)',
    failingRecord: firstRecordOfStep(failing, index),
    passingRecord: firstRecordOfStep(passing, index),
  };
}

function firstRecordOfStep(result: SimulationResult, step: number): TraceRecord | undefined {
  return result.trace?.find((record) => record.step === step);
}
