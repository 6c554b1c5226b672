import { describeClientFailure, describeWaitingReason } from '../model/client-outcomes.ts';
import { describeNetworkMessage } from '../model/messages.ts';
import type { StatementOutcome } from '../database/records.ts';
import type { ClientStatus, TraceRecord } from '../model/observations.ts';
import { truncate } from '../errors.ts';
import { durationWords, shortKey } from '../kernel/format.ts';
import { assertNever } from '../kernel/assert-never.ts';

/** One record as one line of prose for the timeline. */
export function describeRecord(record: TraceRecord): string {
  switch (record.kind) {
    case 'arrive':
      return `opens ${record.documentId}`;
    case 'deliver':
      return `receives ${describeNetworkMessage(record.message)} from ${record.from}`;
    case 'provider-call':
      return `calls provider({ documentId: ${JSON.stringify(record.documentId)}, keyHint: ${JSON.stringify(record.keyHint)} })${record.attempt > 1 ? ` — attempt ${record.attempt}` : ''}`;
    case 'provider-answer':
      return `provider answers { key: ${shortKey(record.key)}${record.hintGiven ? `, keyHint: ${JSON.stringify(record.keyHint)}` : ''} }${record.hintGiven || record.requestedHint !== null ? '' : ' (no keyHint: recorded as "")'}`;
    case 'provider-failure':
      return `provider ${record.failure === 'threw' ? 'threw synchronously' : record.failure === 'timeout' ? 'timed out' : 'rejected'}: ${record.message}`;
    case 'provider-contract':
      return `provider broke the contract: ${record.problem}`;
    case 'store':
      return `keyStore.${record.operation}(${JSON.stringify(record.key)}${record.value === undefined ? '' : `, ${shortKey(record.value)}`}) → ${record.indeterminate === undefined ? truncate(record.result, 40) : record.result}`;
    case 'session':
      return record.status === 'released'
        ? `session for ${record.documentId} is released (${record.owner}, its creator, is gone)`
        : `session for ${record.documentId} is ${record.status} (owner ${record.owner}, keyHint ${JSON.stringify(record.keyHint)})`;
    case 'state':
      if (record.state === 'failed') return `failed: ${describeClientFailure(record.failure)}`;
      return record.state === 'collaborating'
        ? `collaborates on ${record.documentId} with key ${shortKey(record.key ?? '')}`
        : `${record.state}: waits for ${describeWaitingReason(record.waitingFor)}`;
    case 'console':
      return `console.${record.level}: ${record.text}`;
    case 'fault':
      return `⚡ ${record.fault}: ${record.detail}`;
    case 'backend':
      return record.event === 'contract' ? `backend broke the contract (${record.problem}): ${record.detail}` : record.event === 'problem' ? `backend failed a request (${record.problem}): ${record.detail}` : record.detail;
    case 'sql':
      return `${record.caller}: ${truncate(oneLine(record.text), 200)} → ${describeStatementOutcome(record.outcome)}`;
    case 'timer':
      return `${record.source === 'AbortSignal.timeout' ? 'timeout' : record.source} ${record.delayMs} ms fired${record.aborted.map((request) => ` → ${request} aborted`).join('')}`;
    case 'abort':
      return `${record.request} aborted (${record.reason})`;
    case 'nondeterminism':
      return `nondeterminism: called ${record.api} (${record.detail})`;
    case 'auth':
      return record.ok
        ? `admits ${record.client}'s token for ${record.documentId} (role ${record.role ?? 'editor'}${record.tokenDocument === undefined ? '' : `, limited to ${record.tokenDocument}`})`
        : `refuses ${record.client}'s token for ${record.documentId}: ${record.error ?? ''}`;
    case 'phase':
      return `── ${record.phase}: ${record.detail}`;
    case 'probe':
      return record.failure !== undefined
        ? `fresh client${probeWhen(record.horizonMs)} asks for ${record.documentId}'s keyHint ${JSON.stringify(record.keyHint)}: fails (${record.failure})`
        : `fresh client${probeWhen(record.horizonMs)} asks for ${record.documentId}'s keyHint ${JSON.stringify(record.keyHint)}: gets ${shortKey(record.key ?? '')}`;
    case 'liveness-deadline':
      return `liveness deadline: ${describeWaiting(record.clients)}`;
    case 'stalled':
      return record.clients.length > 0 ? `nothing is left to happen: ${describeWaiting(record.clients)}` : 'nothing is left to happen, but a retention probe never completed';
    default:
      return assertNever(record, 'trace record');
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeStatementOutcome(outcome: StatementOutcome): string {
  switch (outcome.kind) {
    case 'done':
      return outcome.affectedRows > 0 ? `${outcome.affectedRows} row${outcome.affectedRows === 1 ? '' : 's'} affected` : `${outcome.rowCount} row${outcome.rowCount === 1 ? '' : 's'}`;
    case 'failed':
      return `ERROR${outcome.code === undefined ? '' : ` ${outcome.code}`}: ${truncate(outcome.message, 80)}`;
    case 'waiting':
      return `waits for ${outcome.holder}`;
    case 'transaction-timeout':
      return `rolled back: idle in transaction for ${outcome.idleMs} ms`;
    default:
      return assertNever(outcome, 'statement outcome');
  }
}

function describeWaiting(clients: readonly ClientStatus[]): string {
  return clients.map((entry) => `${entry.client} waits for ${describeWaitingReason(entry.waitingFor)}`).join('; ');
}

// A probe at a later horizon says so; the one right after the race reads as it always did.
function probeWhen(horizonMs: number): string {
  return horizonMs === 0 ? '' : `, ${durationWords(horizonMs)} after the race,`;
}
