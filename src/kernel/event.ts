/**
 * A scheduled happening in the simulated world. Timers fire punctually at `dueMs`; asynchronous events
 * (message deliveries, key-store completions) are due at `dueMs` at the earliest and may be stretched by the
 * scheduler up to the next timer, which is how strategies explore orderings that latencies alone rarely give.
 */
export interface SimEvent {
  /** Creation order: the final tie-break of the total order (time, sequence). */
  readonly sequence: number;
  /** A name by meaning that stays the same across interleavings, e.g. `c1→server#2`. */
  readonly key: string;
  /**
   * PCT's thread: one direction of one connection (`c1→server`), one client's key-store operations
   * (`store:c1`), or the owner of a timer. Finer than a client, so that a client's un-awaited write can be
   * delayed while its messages go ahead.
   */
  readonly actor: string;
  /** State the event touches, for partial-order reduction: events sharing a resource are dependent. */
  readonly resources: readonly string[];
  /** Timers are punctual; asynchronous events may be reordered among themselves. */
  readonly timing: 'timer' | 'async';
  /** Earliest virtual time (ms) at which the event may run. */
  dueMs: number;
  /**
   * What the event does when it runs. A withdrawn event lets go of it (a cancelled timer can wait in the heap
   * until its time comes, and its action holds a whole request's closures: a provider call's timeout, for
   * every client of a large world).
   */
  action: () => void;
  /** Set when the event was withdrawn (a cancelled timer, a message on a dropped connection). */
  cancelled: boolean;
  /** Position in the ready pool, or -1 when not in it (lets removal be O(1)). */
  readyIndex: number;
  /** The FIFO lane that holds the event, for deliveries on one connection. */
  readonly lane: Lane | undefined;
  /** Sequence of the event whose action (with the reactions settled after it) created this one; -1 at set-up. */
  readonly causeSequence: number;
}

/** A FIFO lane: one direction of one connection. Only its head is a candidate to run. */
export class Lane {
  readonly waiting: SimEvent[] = [];
  head = 0;
  /** Due time of the last event queued, so that a later message never overtakes an earlier one. */
  lastDueMs = 0;
  constructor(readonly name: string) {}
}

/** Orders events by (due time, sequence): the total order of the kernel. */
export function isBefore(left: SimEvent, right: SimEvent): boolean {
  return left.dueMs < right.dueMs || (left.dueMs === right.dueMs && left.sequence < right.sequence);
}
