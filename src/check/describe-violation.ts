import { assertNever } from '../kernel/assert-never.ts';
import { describeClientFailure, describeWaitingReason } from '../model/client-outcomes.ts';
import { durationWords, shortKey } from '../kernel/format.ts';
import type { Finding } from './violation.ts';

/** A finding in words: the message a violation carries, made here and nowhere else. */
export function describeFinding(finding: Finding): string {
  switch (finding.kind) {
    case 'two-sessions':
      return `${finding.documentId} has two established sessions: ${finding.firstOwner}'s and ${finding.secondOwner}'s`;
    case 'cannot-open': {
      const whose = finding.winner === undefined ? '' : ` (the winner ${finding.winner.owner}'s key is ${shortKey(finding.winner.key)})`;
      return `${finding.client} cannot open ${finding.documentId}: ${describeClientFailure(finding.failure)}${whose}`;
    }
    case 'key-differs-from-winner':
      return `${finding.client} collaborates on ${finding.documentId} with key ${shortKey(finding.key)}, but the winner ${finding.winner.owner}'s key is ${shortKey(finding.winner.key)}`;
    case 'hint-answered-twice':
      return `for ${finding.documentId} and keyHint ${JSON.stringify(finding.keyHint)}, ${finding.first.owner}'s provider answered key ${shortKey(finding.first.key)} but ${finding.second.owner}'s answered ${shortKey(finding.second.key)}`;
    case 'probe-failed':
      return `${probeOpening(finding)} could not get the key for keyHint ${JSON.stringify(finding.keyHint)}: ${finding.failure}`;
    case 'probe-wrong-key':
      return `${probeOpening(finding)} got key ${shortKey(finding.key)} for keyHint ${JSON.stringify(finding.keyHint)}, but the session was made with ${shortKey(finding.expectedKey)}`;
    case 'gave-up':
      return `${finding.client} gave up on ${finding.documentId}: ${describeClientFailure(finding.failure)}`;
    case 'not-settled':
      return describeNotSettled(finding);
    case 'content-before-session':
      return `${finding.client} collaborates on ${finding.documentId} before any session was established`;
    case 'content-differs-from-winner':
      return `${finding.client} sees ${JSON.stringify(finding.content)} on ${finding.documentId}, not the winner ${finding.winner.owner}'s ${JSON.stringify(finding.winner.content)}`;
    case 'contract-broken':
      return finding.whose === 'backend' ? `the backend module broke its contract: ${finding.problem}` : `${finding.client}'s provider broke the contract: ${finding.problem}`;
    case 'viewer-wrote':
      return `${finding.client}, admitted as a viewer, wrote: its session for ${finding.documentId} is ${finding.status}`;
    case 'session-without-token':
      return `the server sent ${finding.messageType} for ${finding.documentId} to ${finding.client}, which presented no valid token on this connection`;
    case 'token-for-other-document':
      return `${finding.client}'s token is limited to ${finding.tokenDocument}, yet it was given ${finding.documentId}`;
    case 'nondeterminism': {
      // The violation's actor names the instance (`backend#2`); the words name whose code it was.
      const who = finding.whose === 'backend' ? 'the backend' : finding.client === 'world' ? 'provider code (no client could be named)' : `${finding.client}'s provider`;
      return `${who} called ${finding.api}: ${finding.detail}`;
    }
    default:
      return assertNever(finding);
  }
}

function describeNotSettled(finding: Extract<Finding, { kind: 'not-settled' }>): string {
  const failing = (entry: (typeof finding.waiting)[number]): string => (entry.providerFailing === undefined ? '' : ` (it failed ${entry.providerFailing.times} times; last: ${entry.providerFailing.last})`);
  const lines = finding.waiting.map((entry) => `${entry.client} (${entry.state}) waits for ${describeWaitingReason(entry.waitingFor)}${failing(entry)}`);
  if (finding.when === 'deadline') return `not every client was collaborating by the liveness deadline: ${lines.join('; ')}`;
  return `nothing was left to happen but the run had not finished${lines.length > 0 ? `: ${lines.join('; ')}` : ' (a retention probe never completed)'}`;
}

// "a fresh browser (probe-4) opening d1 31 days later": which document, and at which retention horizon.
function probeOpening(finding: { readonly probe: string; readonly horizonMs: number; readonly documentId: string }): string {
  const when = finding.horizonMs === 0 ? 'right after the race' : `${durationWords(finding.horizonMs)} later`;
  return `a fresh browser (${finding.probe}) opening ${finding.documentId} ${when}`;
}
