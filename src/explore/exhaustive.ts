import { exactClocks, noFaults } from '../config/fault-plan.ts';
import type { RunConfig } from '../config/run-config.ts';
import { fixedLatency } from '../config/swarm.ts';
import type { ProviderSource } from '../providers/source.ts';
import { simulate, type RunOutcome, type SimulationResult } from '../simulate.ts';
import { DporSearch } from './exhaustive-dpor.ts';
import type { TraceStep } from './exhaustive-trace.ts';

/** What exhaustive search explores: one pinned world, up to `schedulesMax` distinct traces. */
export interface ExhaustiveOptions {
  readonly source: ProviderSource;
  readonly config: RunConfig;
  readonly schedulesMax: number;
  /** Partial-order reduction; off only to compare with (and measure against) full enumeration. */
  readonly reduction?: boolean;
  /** The virtual clock is a dependency (default; see exhaustive-trace.ts); false abstracts it, as sleep sets did: fewer traces, blind to time. */
  readonly exactClock?: boolean;
  /** Stop at the first violating execution (default); tests set false to collect every verdict. */
  readonly stopAtFailure?: boolean;
  readonly onProgress?: (schedules: number) => void;
  /**
   * Sees every complete execution: its steps (to fingerprint with `traceFingerprint` and the report's
   * `timeRelevant`), how it ended, and the pass it belongs to (a search starts again when it learns; tests).
   */
  readonly onExecution?: (execution: { readonly steps: readonly TraceStep[]; readonly decisions: readonly string[]; readonly outcome: RunOutcome; readonly pass: number }) => void;
}

/** What exhaustive search covered, and the first violating schedule if any. */
export interface ExhaustiveReport {
  /** Complete executions: distinct Mazurkiewicz traces (interleavings up to reordering independent events). */
  readonly schedules: number;
  /** Executions started, complete or not, in every pass: the work done (≥ schedules). */
  readonly executions: number;
  /** Executions of passes abandoned because the search learned a time-relevant event (see exhaustive-dpor.ts). */
  readonly discarded: number;
  /** The keys of the events whose time matters, as learned: the clock orders only these (exhaustive-trace.ts). */
  readonly timeRelevant: readonly string[];
  /** Executions dropped midway because every remaining choice was covered elsewhere (sleep sets). */
  readonly pruned: number;
  /** Wakeup branches dropped as infeasible: a dependency hidden from `resources` (see exhaustive-dpor.ts). */
  readonly infeasible: number;
  /** True when the whole space was covered; false when `schedulesMax` cut it. */
  readonly complete: boolean;
  readonly failure: { readonly decisions: readonly string[]; readonly result: SimulationResult } | undefined;
}

/**
 * Explores every Mazurkiewicz trace of one world once, by optimal dynamic partial-order reduction
 * (exhaustive-dpor.ts; the soundness argument is in exhaustive-trace.ts): an execution is started only for
 * a schedule not proven equivalent to one explored, so executions ≈ traces.
 */
export async function exploreExhaustively(options: ExhaustiveOptions): Promise<ExhaustiveReport> {
  const search = new DporSearch(options.reduction ?? true, options.exactClock ?? true);
  let schedules = 0;
  let pruned = 0;
  let discarded = 0;
  let failure: ExhaustiveReport['failure'];
  const report = (complete: boolean): ExhaustiveReport => ({
    schedules,
    executions: schedules + pruned + discarded,
    discarded,
    timeRelevant: [...search.timeRelevant].sort(),
    pruned,
    infeasible: search.infeasible,
    complete,
    failure,
  });
  for (;;) {
    if (schedules >= options.schedulesMax) return report(false);
    const result = await simulate({ config: options.config, source: options.source, strategy: search.strategy() });
    const abandoned = result.outcome.kind === 'abandoned';
    if (abandoned) pruned++;
    else schedules++;
    if (!abandoned) options.onExecution?.({ steps: search.last.steps, decisions: search.last.decisions, outcome: result.outcome, pass: search.restarts });
    if ((result.outcome.kind === 'violation' || result.outcome.kind === 'limit') && failure === undefined) {
      failure = { decisions: [...search.last.decisions], result };
      if (options.stopAtFailure ?? true) return report(false);
    }
    if (schedules % 256 === 0) options.onProgress?.(schedules);
    const move = search.finish(abandoned);
    if (move === 'covered') return report(true);
    if (move === 'restart') {
      discarded += schedules + pruned;
      schedules = 0;
      pruned = 0;
    }
  }
}

/**
 * The pinned world exhaustive search uses by default: simultaneous arrivals and fixed 1 ms latencies; with a
 * backend, a sticky balancer. Round robin and random choose an instance by a state every request shares (the
 * turn, the stream), which the search's independence of events does not see: two requests that commute in
 * its eyes would swap their instances. Sticky keeps each browser on its instance whatever the order.
 */
export function exhaustivePins(clients: number, documents: number, withBackend = false): Partial<RunConfig> {
  return {
    ...(withBackend ? { balancer: 'sticky' as const } : {}),
    clients,
    documents,
    documentSpread: 'even',
    strategy: 'timed',
    faults: noFaults,
    clocks: exactClocks,
    arrivalTimesMs: Array.from({ length: clients }, () => 0),
    network: fixedLatency(1),
    keyStore: fixedLatency(1),
  };
}
