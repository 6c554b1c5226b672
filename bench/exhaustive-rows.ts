// Exhaustive search (optimal DPOR) rows of the bench: traces explored, executions started and their ratio,
// whether the space was covered, how many events the clock orders, and the time — counts and ratios, never assertions.
import { drawConfig } from '../src/config/swarm.ts';
import { exhaustivePins, exploreExhaustively } from '../src/explore/exhaustive.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromModule } from '../src/providers/source.ts';
import { packageRoot } from '../src/package-root.ts';

/** One world to enumerate: clients × documents, the clock exact or abstracted, and a cut on traces. */
interface ExhaustivePlan {
  readonly example: string;
  readonly clients: number;
  readonly documents: number;
  readonly exactClock: boolean;
  readonly tracesMax: number;
}

/** One measured row, as the results file keeps it and the acceptance lines read it. */
export interface ExhaustiveRow extends ExhaustivePlan {
  readonly traces: number;
  readonly executions: number;
  readonly executionsPerTrace: number;
  readonly blocked: number;
  readonly discarded: number;
  readonly timeRelevant: number;
  readonly infeasible: number;
  readonly complete: boolean;
  readonly elapsedMs: number;
}

const plans: readonly ExhaustivePlan[] = [
  { example: 'good-static-key.ts', clients: 2, documents: 1, exactClock: true, tracesMax: 1_000_000 },
  { example: 'good-static-key.ts', clients: 3, documents: 1, exactClock: true, tracesMax: 1_000_000 },
  { example: 'good-static-key.ts', clients: 3, documents: 2, exactClock: true, tracesMax: 1_000_000 },
  // Four browsers on one document: more than 480,000 traces even blind to the clock: cut, to show the rate.
  { example: 'good-static-key.ts', clients: 4, documents: 1, exactClock: true, tracesMax: 60_000 },
  // A provider that reads the clock (Date.now as its key hint): the events leading to a reading are ordered by time.
  { example: 'good-timestamp-hint.ts', clients: 2, documents: 1, exactClock: true, tracesMax: 1_000_000 },
  // The clock abstracted, as the sleep-set search did: the spaces it covered, now each trace run once.
  { example: 'good-static-key.ts', clients: 3, documents: 1, exactClock: false, tracesMax: 1_000_000 },
  { example: 'good-static-key.ts', clients: 3, documents: 2, exactClock: false, tracesMax: 1_000_000 },
];

/** Runs every plan once and prints one row each; returns the rows for the results file. */
export async function runExhaustiveRows(): Promise<ExhaustiveRow[]> {
  console.log('\nexhaustive (optimal DPOR, seed 1, simultaneous arrivals, fixed 1 ms latencies)');
  console.log('world                          | clock    | traces  | executions started | per trace | covered          | time-relevant | seconds | traces/s');
  const rows: ExhaustiveRow[] = [];
  for (const plan of plans) {
    const loaded = await loadProviderModule(`${packageRoot}examples/providers/${plan.example}`);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const config = drawConfig(1, exhaustivePins(plan.clients, plan.documents));
    const started = performance.now();
    const report = await exploreExhaustively({ source: sourceFromModule(loaded.value), config, schedulesMax: plan.tracesMax, exactClock: plan.exactClock });
    const elapsedMs = performance.now() - started;
    const perTrace = report.executions / Math.max(1, report.schedules);
    const covered = report.complete ? 'whole space' : report.failure === undefined ? `cut at ${plan.tracesMax.toLocaleString('en-US')}` : 'violation';
    console.log(
      [
        `${plan.clients} × ${plan.documents} ${plan.example.replace('.ts', '')}`.padEnd(30),
        (plan.exactClock ? 'exact' : 'abstract').padEnd(8),
        report.schedules.toLocaleString('en-US').padStart(7),
        report.executions.toLocaleString('en-US').padStart(18),
        `${perTrace.toFixed(3)}×`.padStart(9),
        covered.padEnd(16),
        String(report.timeRelevant.length).padStart(13),
        (elapsedMs / 1000).toFixed(1).padStart(7),
        Math.round((report.schedules / elapsedMs) * 1000).toLocaleString('en-US').padStart(8),
      ].join(' | '),
    );
    rows.push({
      ...plan,
      traces: report.schedules,
      executions: report.executions,
      executionsPerTrace: perTrace,
      blocked: report.pruned,
      discarded: report.discarded,
      timeRelevant: report.timeRelevant.length,
      infeasible: report.infeasible,
      complete: report.complete,
      elapsedMs,
    });
  }
  return rows;
}
