// What a pass covers, in one line: the worlds a sweep drew from, read off its pins and today's model. The one
// place that says it: when the model grows, this line changes with it (documents drawn per seed and the last
// retention horizon are read off the same defaults the swarm draws from).
import type { FaultPlan } from '../config/fault-plan.ts';
import { documentRange } from '../config/documents.ts';
import { defaultOrigin } from '../config/origin.ts';
import { fixedDefaults, lastHorizonMs, type SwarmSettings } from '../config/run-config.ts';
import { assertNever } from '../kernel/assert-never.ts';
import { durationWords, plural } from '../kernel/format.ts';

/** The deployment facts a sweep with these pins assumed, e.g. `3 clients, 1–3 documents, strong consistency, …`. */
export function assumptionsLine(pins: SwarmSettings): string {
  const clientsMax = pins.clients ?? pins.clientsMax ?? pins.clientsMin ?? fixedDefaults.clients;
  const clientsMin = pins.clients ?? pins.clientsMin ?? fixedDefaults.clients;
  // A world never has more documents than clients (drawDocuments caps them).
  const documentsRange = documentRange(pins.documents, (pins.auth?.viewers?.length ?? 0) > 0);
  const documentsMin = Math.min(documentsRange.min, clientsMin);
  const documentsMax = Math.min(documentsRange.max, clientsMax);
  const consistency = pins.keyStoreConsistency;
  const faults = faultsPhrase(pins);
  return [
    clientsMin === clientsMax ? plural(clientsMin, 'client') : `${clientsMin}–${clientsMax} clients`,
    documentsMin === documentsMax ? plural(documentsMin, 'document') : `${documentsMin}–${documentsMax} documents`,
    consistency === undefined || consistency.mode === 'strong' ? 'strong consistency' : `eventual consistency (reads lag up to ${durationWords(consistency.lagMs)})`,
    faults,
    // What a key-store operation left without an answer did, and whether crashes wait for protocol moments
    // (said only when faults can happen).
    ...(faults === 'no faults' ? [] : faultModelPhrases(pins.faults)),
    // The database component's isolation: transactions run one at a time (see SimulatedDatabase).
    ...(pins.withBackend === true ? [`${backendInstancesPhrase(pins)} on ${databasePhrase(pins)}${faults === 'no faults' ? '' : ', backend crashes, lost responses and rolling deploys'}`] : []),
    `retention checked up to ${durationWords(lastHorizonMs(pins.retentionHorizonsMs ?? fixedDefaults.retentionHorizonsMs))}`,
    `origin ${pins.origin ?? defaultOrigin}`,
  ].join(', ');
}

// "1–3 backend instances behind a load balancer (round robin, random or sticky)", as pinned or drawn.
function backendInstancesPhrase(pins: SwarmSettings): string {
  const min = pins.backendInstances ?? pins.backendInstancesMin ?? 1;
  const max = pins.backendInstances ?? pins.backendInstancesMax ?? Math.max(min, 3);
  const count = min === max ? plural(min, 'backend instance') : `${min}–${max} backend instances`;
  if (max === 1) return count;
  const policy = pins.balancer === undefined ? 'round robin, random or sticky' : pins.balancer;
  return `${count} behind a load balancer (${policy})`;
}

// The backend's database: PGlite (one session, transactions one at a time), or a real server's pool.
function databasePhrase(pins: SwarmSettings): string {
  if (pins.backendDatabase !== 'postgres') {
    const fallback = pins.backendDatabaseFallback === undefined ? '' : ` (no PostgreSQL server here: ${pins.backendDatabaseFallback})`;
    return `PGlite${fallback}, one session: its transactions serialized`;
  }
  const sessions = pins.databaseSessions === undefined ? '1–10 sessions' : `${pins.databaseSessions} session${pins.databaseSessions === 1 ? '' : 's'}`;
  return `a real PostgreSQL server (${sessions} at READ COMMITTED; CURRENT_TIME and LOCALTIME read the host's clock)`;
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
