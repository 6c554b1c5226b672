import { describeClientFailure, describeWaitingReason } from '../model/client-outcomes.ts';
import type { TraceRecord } from '../model/observations.ts';
import { describeRecord } from './describe-record.ts';
import { shortKey } from '../kernel/format.ts';

/** What one simulated browser (or retention probe) is doing after some record of the trace. */
export interface ClientSnapshot {
  readonly client: string;
  readonly documentId: string;
  /** The client's state (`requesting` … `collaborating`, `failed`); `not arrived` before it opens the document. */
  readonly state: string;
  /** What it waits for, or why it failed. */
  readonly waitingFor: string;
  /** The key its provider last gave it (shortened), or empty. */
  readonly keyHeld: string;
  /** The key hint that key belongs to, or empty. */
  readonly keyHint: string;
  /** Its last provider call still unanswered, or empty. */
  readonly pendingCall: string;
  /** The last thing it did, in words. */
  readonly lastEvent: string;
}

/** The clients' rows after each record: `changes[i]` lists the rows record `i` changed, by row index. */
export interface ClientStateFrames {
  /** One initial row per client seen in the trace, in order: c1, c2, …, then the probes. */
  readonly initial: readonly ClientSnapshot[];
  readonly changes: readonly (readonly (readonly [row: number, snapshot: ClientSnapshot])[])[];
}

/**
 * Derives every client's state after every record: state records give the state and what it waits for,
 * provider answers the key held and its hint, provider calls the pending call. Stored as changes, so that a
 * long trace does not repeat every row at every record.
 */
export function clientStateFrames(trace: readonly TraceRecord[]): ClientStateFrames {
  const actors = clientActors(trace);
  const rows = new Map<string, ClientSnapshot>();
  for (const actor of actors) rows.set(actor, initialSnapshot(actor, trace));
  const initial = actors.map((actor) => rows.get(actor) as ClientSnapshot);
  const changes = trace.map((record) => {
    const before = rows.get(record.actor);
    if (before === undefined) return [];
    const after = nextSnapshot(before, record);
    rows.set(record.actor, after);
    return [[actors.indexOf(record.actor), after] as const];
  });
  return { initial, changes };
}

/** The clients' rows after record `index` (-1: before the first record). */
export function snapshotsAt(frames: ClientStateFrames, index: number): ClientSnapshot[] {
  const rows = [...frames.initial];
  for (let position = 0; position <= index && position < frames.changes.length; position++) {
    for (const [row, snapshot] of frames.changes[position] ?? []) rows[row] = snapshot;
  }
  return rows;
}

function clientActors(trace: readonly TraceRecord[]): string[] {
  const clients = new Set<string>();
  const probes = new Set<string>();
  for (const record of trace) {
    if (/^c\d+$/.test(record.actor)) clients.add(record.actor);
    else if (/^probe-\d+$/.test(record.actor)) probes.add(record.actor);
  }
  const byNumber = (left: string, right: string): number => Number(left.replace(/\D/g, '')) - Number(right.replace(/\D/g, ''));
  return [...[...clients].sort(byNumber), ...[...probes].sort(byNumber)];
}

function initialSnapshot(actor: string, trace: readonly TraceRecord[]): ClientSnapshot {
  const opening = trace.find((record) => record.actor === actor && 'documentId' in record);
  const documentId = opening !== undefined && 'documentId' in opening ? opening.documentId : '';
  return { client: actor, documentId, state: 'not arrived', waitingFor: '', keyHeld: '', keyHint: '', pendingCall: '', lastEvent: '' };
}

function nextSnapshot(before: ClientSnapshot, record: TraceRecord): ClientSnapshot {
  const next = { ...before, lastEvent: describeRecord(record) };
  switch (record.kind) {
    case 'arrive':
      return { ...next, documentId: record.documentId, state: 'arrived' };
    case 'state':
      return {
        ...next,
        state: record.state,
        waitingFor: record.state === 'failed' ? describeClientFailure(record.failure) : describeWaitingReason(record.waitingFor),
        ...(record.key === undefined ? {} : { keyHeld: shortKey(record.key) }),
      };
    case 'provider-call':
      // A retention probe has no arrival: its first provider call is when it starts.
      return {
        ...next,
        state: before.state === 'not arrived' ? 'probing' : before.state,
        pendingCall: `keyHint ${JSON.stringify(record.keyHint)}${record.attempt > 1 ? `, attempt ${record.attempt}` : ''}`,
      };
    case 'provider-answer':
      return { ...next, pendingCall: '', keyHeld: shortKey(record.key), keyHint: record.keyHint };
    case 'provider-failure':
      return { ...next, pendingCall: '' };
    case 'probe':
      return { ...next, state: 'probing', waitingFor: record.failure === undefined ? '' : `failed: ${record.failure}` };
    default:
      return next;
  }
}
