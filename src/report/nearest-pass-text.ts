import type { TraceRecord } from '../model/observations.ts';
import { describeRecord } from './describe-record.ts';
import type { DecisionChange, NearestPass } from '../explore/nearest-pass.ts';

/** The nearest passing run in words: which decisions flip the verdict, and what happens at each. */
export function describeNearestPass(nearest: NearestPass): string[] {
  if (nearest.kind === 'not-applicable') return ['nearest passing run: not searched (the run did not end in a property violation)'];
  if (nearest.kind === 'none') return [noneLine(nearest)];
  const changes = differingChanges(nearest.changes);
  const { attempts } = nearest;
  const property = nearest.failing.outcome.kind === 'violation' ? nearest.failing.outcome.violation.property : 'the property';
  const count = `${changes.length} scheduling decision${changes.length === 1 ? '' : 's'}`;
  const lines = [`nearest passing run: ${count} away (found in ${attempts} run${attempts === 1 ? '' : 's'})`];
  for (const change of changes) {
    lines.push(`  step ${change.step}, failing run: ${eventClause(change.failingRecord, change.failingEvent)}`);
    lines.push(`  step ${change.step}, passing run: ${eventClause(change.passingRecord, change.passingEvent)} instead`);
  }
  const [only] = changes;
  if (changes.length === 1 && only !== undefined) {
    lines.push(`  in words: when ${eventClause(only.failingRecord, only.failingEvent)} before ${eventClause(only.passingRecord, only.passingEvent)}, ${property} breaks; the other way round, every property holds`);
  }
  return lines;
}

function noneLine(nearest: Extract<NearestPass, { kind: 'none' }>): string {
  const tried = `${nearest.attempts} neighbouring schedule${nearest.attempts === 1 ? '' : 's'}`;
  if (!nearest.exhausted) {
    return `nearest passing run: none within ${tried} (non-default decisions undone alone and in pairs, then another event at each step from the violation backwards): the failure does not hinge on one scheduling decision near the violation`;
  }
  if (nearest.attempts === 0) {
    return 'nearest passing run: none — this world has a single schedule (at every step only one event could run) and it fails: the failure does not depend on scheduling, the provider fails in every schedule of this world';
  }
  const undone = nearest.forcedDecisions === 0 ? 'the run fails with every scheduling decision at its default, and' : `each of its ${nearest.forcedDecisions} non-default decisions undone alone and in pairs, and`;
  return `nearest passing run: none — ${undone} all ${tried} that run another event at one of the ${nearest.stepsTried} steps where one could run fail too: the failure does not hinge on any single scheduling decision (the provider likely fails in every schedule)`;
}

/** What a change's event does, as a clause with its verb: "c1's keyStore.set lands", "server's noSession reaches c2". */
export function eventClause(record: TraceRecord | undefined, eventKey: string): string {
  if (record === undefined) return eventKeyClause(eventKey);
  switch (record.kind) {
    case 'store': {
      const writes = record.operation !== 'get' && record.operation !== 'list';
      const result = record.result === 'ok' ? '' : ` (→ ${record.result})`;
      return `${record.actor}'s keyStore.${record.operation}(${JSON.stringify(record.key)}) ${writes ? 'lands' : 'runs'}${result}`;
    }
    case 'deliver':
      return `${record.from}'s ${record.message.type} reaches ${record.actor}`;
    case 'arrive':
      return `${record.actor} opens ${record.documentId}`;
    default:
      return `${record.actor} ${describeRecord(record)}`;
  }
}

/** An event by its key, when it recorded nothing: `c1→server#2` is c1's second message to the server. */
export function eventKeyClause(key: string): string {
  const message = /^(.+)→(.+)#(\d+)$/.exec(key);
  if (message !== null) return `${message[1]}'s message #${message[3]} to ${message[2]} arrives`;
  const store = /^store:(.+)#(\d+)$/.exec(key);
  if (store !== null) return `${store[1]}'s key-store operation #${store[2]} completes`;
  const timer = /^(timeout|sleep|retry|timer):(.+)#(\d+)$/.exec(key);
  if (timer !== null) return `${timer[2]}'s ${timer[1]} #${timer[3]} fires`;
  const arrival = /^arrive:(.+)$/.exec(key);
  if (arrival !== null) return `${arrival[1]} arrives`;
  return `event ${key} runs`;
}

/** The changes that really differ between the two runs (all of them when none does, to say something). */
export function differingChanges(changes: readonly DecisionChange[]): readonly DecisionChange[] {
  const differing = changes.filter((change) => change.failingEvent !== change.passingEvent);
  return differing.length > 0 ? differing : changes;
}
