// What a pass covers, in one line: the worlds a sweep drew from, read off its pins and today's model. The one
// place that says it: when the model grows (documents drawn per seed, longer retention horizons), this line
// changes with it.
import type { FaultPlan } from '../config/fault-plan.ts';
import { defaultOrigin } from '../config/origin.ts';
import { fixedDefaults, type SwarmSettings } from '../config/run-config.ts';
import { assertNever } from '../world/assert-never.ts';

/** The deployment facts a sweep with these pins assumed, e.g. `3 clients, 1 document, strong consistency, …`. */
export function assumptionsLine(pins: SwarmSettings): string {
  const clientsMax = pins.clients ?? pins.clientsMax ?? pins.clientsMin ?? fixedDefaults.clients;
  const clientsMin = pins.clients ?? pins.clientsMin ?? fixedDefaults.clients;
  // A world never has more documents than clients (drawConfig caps them).
  const documents = Math.min(pins.documents ?? fixedDefaults.documents, clientsMax);
  const consistency = pins.keyStoreConsistency;
  const faults = faultsPhrase(pins);
  return [
    clientsMin === clientsMax ? plural(clientsMin, 'client') : `${clientsMin}–${clientsMax} clients`,
    plural(documents, 'document'),
    consistency === undefined || consistency.mode === 'strong' ? 'strong consistency' : `eventual consistency (reads lag up to ${durationWords(consistency.lagMs)})`,
    faults,
    // What a key-store operation left without an answer did, and whether crashes wait for protocol moments
    // (said only when faults can happen).
    ...(faults === 'no faults' ? [] : faultModelPhrases(pins.faults)),
    // The database component's isolation: transactions run one at a time (see SimulatedDatabase).
    ...(pins.withBackend === true ? [`a backend on embedded Postgres, its transactions serialized${faults === 'no faults' ? '' : ', backend crashes and lost responses'}`] : []),
    `retention checked up to ${durationWords(pins.quietPeriodMs ?? fixedDefaults.quietPeriodMs)}`,
    `origin ${pins.origin ?? defaultOrigin}`,
  ].join(', ');
}

function faultsPhrase(pins: SwarmSettings): string {
  if (pins.faults !== undefined) return isFaultless(pins.faults) ? 'no faults' : 'the pinned fault plan in every seed';
  const mode = pins.faultMode ?? 'sometimes';
  switch (mode) {
    case 'always':
      return 'faults in every seed';
    case 'sometimes':
      return 'faults in half the seeds';
    case 'never':
      return 'no faults';
    default:
      return assertNever(mode, 'fault mode');
  }
}

// A drawn plan has indeterminate timeouts and crash points; a pinned one says what it holds.
function faultModelPhrases(plan: FaultPlan | undefined): string[] {
  if (plan === undefined) return ['indeterminate timeouts', 'crash points at protocol moments'];
  const indeterminate = (plan.keyStoreIndeterminateAppliedRate ?? 0) > 0 && plan.keyStoreTimeoutRate > 0;
  return [
    indeterminate ? 'indeterminate timeouts' : 'failed/timed-out operations never applied',
    ...(plan.events.some((event) => event.kind === 'crash-at') ? ['crash points at protocol moments'] : []),
  ];
}

function isFaultless(plan: FaultPlan): boolean {
  return plan.events.length === 0 && plan.keyStoreFailureRate === 0 && plan.keyStoreTimeoutRate === 0;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const units = [
  ['day', 24 * 60 * 60 * 1000],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
  ['second', 1000],
] as const;

/** A duration in the largest unit that divides it exactly: `6 hours`, `90 seconds`, `500ms`. */
export function durationWords(ms: number): string {
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return plural(ms / size, unit);
  return `${ms}ms`;
}
