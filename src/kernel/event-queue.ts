import { isBefore, Lane, type SimEvent } from './event.ts';
import { MinHeap } from './heap.ts';

/** What a caller states to schedule an event; the queue fills in sequence and bookkeeping. */
export interface EventSpec {
  readonly key: string;
  readonly actor: string;
  readonly resources: readonly string[];
  readonly delayMs: number;
  readonly action: () => void;
}

/**
 * The pending events of one run, and the set of events that may run next.
 *
 * Enabled events: every asynchronous candidate (lane heads and lone events) due no later than the next live
 * timer — the "horizon". When none is left, the timers due at the horizon. So time never jumps past a
 * pending timer (timers are punctual), and a timer never preempts an asynchronous event due before it.
 */
export class EventQueue {
  private clockMs = 0;
  /**
   * How many times anything read the clock's value (exhaustive search asks which events observed the time;
   * see explore/exhaustive-trace.ts). Scheduling relative to now is not a read: the queue does it itself.
   */
  clockReads = 0;
  private sequence = 0;
  private readonly timers = new MinHeap<SimEvent>(isBefore);
  private readonly notReady = new MinHeap<SimEvent>(isBefore);
  private readonly ready: SimEvent[] = [];
  private horizonMs = Number.POSITIVE_INFINITY;
  /**
   * The front of the timers, taken out of the heap: timers all due at one time, in sequence order, every one
   * of them before every timer left in the heap (some may be cancelled; they are dropped when next looked at).
   * It stays between steps, so that a thousand coincident timers are popped once, not once per step each.
   */
  private readonly tiedTimers: SimEvent[] = [];
  private tiedCancelled = 0;
  /** The event taken last: whatever is created until the next take is its consequence (partial-order reduction). */
  private runningSequence = -1;

  /**
   * A number that changes whenever an event is scheduled or taken: whether anything happened in the world
   * since it was last read (the backend's host turns ask).
   */
  get activityMark(): number {
    return this.sequence * 4_294_967_296 + this.runningSequence;
  }

  /** The virtual time (ms) — a read that counts as observing the clock. */
  get nowMs(): number {
    this.clockReads++;
    return this.clockMs;
  }

  /** Sets the clock (unit tests). */
  set nowMs(ms: number) {
    this.clockMs = ms;
  }

  /** The virtual time for trace records and for scheduling relative to now: these do not observe the clock. */
  get nowMsUnobserved(): number {
    return this.clockMs;
  }

  /**
   * Whether the clock has reached `ms`. Time never runs below 0, so a threshold ≤ 0 reads nothing (a fault
   * phase or a downtime that never began): only a threshold the clock could still be short of is an observation.
   */
  reached(ms: number): boolean {
    return ms <= 0 || this.nowMs >= ms;
  }

  /** Schedules a punctual timer `delayMs` from now. */
  timer(spec: EventSpec): SimEvent {
    const event = this.create(spec, 'timer', this.clockMs + spec.delayMs, undefined);
    // A timer before the front (it cannot tie with it: its sequence is the highest) puts the front back.
    if (this.tiedTimers.length > 0 && event.dueMs < (this.tiedTimers[0] as SimEvent).dueMs) this.returnTied();
    this.timers.push(event);
    if (event.dueMs < this.horizonMs) this.lowerHorizon(event.dueMs);
    return event;
  }

  /** Schedules an asynchronous event; with a lane it is delivered after everything queued on that lane. */
  async(spec: EventSpec, lane?: Lane): SimEvent {
    let dueMs = this.clockMs + spec.delayMs;
    if (lane !== undefined) {
      dueMs = Math.max(dueMs, lane.lastDueMs);
      lane.lastDueMs = dueMs;
    }
    const event = this.create(spec, 'async', dueMs, lane);
    if (lane === undefined) {
      this.addCandidate(event);
    } else {
      lane.waiting.push(event);
      if (lane.waiting.length - lane.head === 1) this.addCandidate(event);
    }
    return event;
  }

  /** Withdraws an event; a no-op when it already ran or was withdrawn. */
  cancel(event: SimEvent): void {
    if (event.cancelled) return;
    withdraw(event);
    if (event.readyIndex >= 0) this.removeReady(event);
    if (event.lane !== undefined && event.lane.waiting[event.lane.head] === event) this.advanceLane(event.lane);
    if (event.timing === 'timer') {
      if (this.tiedTimers.length > 0 && event.dueMs === (this.tiedTimers[0] as SimEvent).dueMs) this.tiedCancelled++;
      this.raiseHorizon();
    }
  }

  /** Withdraws every event still queued on a lane (a dropped connection loses what is in flight). */
  dropLane(lane: Lane): void {
    const pending = lane.waiting.slice(lane.head);
    for (const event of pending) {
      withdraw(event);
      if (event.readyIndex >= 0) this.removeReady(event);
    }
    lane.waiting.length = 0;
    lane.head = 0;
    // A new connection owes nothing to the order of messages lost with the old one.
    lane.lastDueMs = 0;
  }

  /** The events that may run next, in a deterministic order. Callers must not modify the array. */
  enabled(): readonly SimEvent[] {
    if (this.ready.length > 0) return this.ready;
    const first = this.firstLiveTimer();
    if (first === undefined) return this.tiedTimers;
    if (this.tiedTimers.length === 0) this.tiedTimers.push(this.timers.pop() as SimEvent);
    // Timers set since the front was formed, due at its time, come after it in sequence order.
    for (let next = this.liveTimer(); next !== undefined && next.dueMs === first.dueMs; next = this.liveTimer()) {
      this.tiedTimers.push(this.timers.pop() as SimEvent);
    }
    return this.tiedTimers;
  }

  /** Removes a chosen enabled event from the queue and advances virtual time to it. */
  take(event: SimEvent): void {
    if (event.timing === 'timer') {
      const index = this.tiedTimers.indexOf(event);
      if (index < 0) throw new Error(`take(): timer ${event.key} is not enabled`);
      this.tiedTimers.splice(index, 1);
    } else {
      if (event.readyIndex < 0) throw new Error(`take(): ${event.key} is not enabled`);
      this.removeReady(event);
      if (event.lane !== undefined) this.advanceLane(event.lane);
    }
    event.cancelled = true;
    this.runningSequence = event.sequence;
    if (event.dueMs > this.clockMs) this.clockMs = event.dueMs;
    if (event.timing === 'timer') this.raiseHorizon();
  }

  /** Whether nothing at all is pending. */
  isEmpty(): boolean {
    return this.enabled().length === 0;
  }

  private create(spec: EventSpec, timing: SimEvent['timing'], dueMs: number, lane: Lane | undefined): SimEvent {
    return {
      sequence: this.sequence++,
      key: spec.key,
      actor: spec.actor,
      resources: spec.resources,
      timing,
      dueMs,
      action: spec.action,
      cancelled: false,
      readyIndex: -1,
      lane,
      causeSequence: this.runningSequence,
    };
  }

  private addCandidate(event: SimEvent): void {
    if (event.dueMs <= this.horizonMs) {
      event.readyIndex = this.ready.length;
      this.ready.push(event);
    } else {
      this.notReady.push(event);
    }
  }

  private removeReady(event: SimEvent): void {
    const last = this.ready.pop() as SimEvent;
    if (last !== event) {
      this.ready[event.readyIndex] = last;
      last.readyIndex = event.readyIndex;
    }
    event.readyIndex = -1;
  }

  private advanceLane(lane: Lane): void {
    lane.head++;
    while (lane.head < lane.waiting.length && (lane.waiting[lane.head] as SimEvent).cancelled) lane.head++;
    if (lane.head >= lane.waiting.length) {
      lane.waiting.length = 0;
      lane.head = 0;
      return;
    }
    this.addCandidate(lane.waiting[lane.head] as SimEvent);
  }

  // The earliest live timer, the front's first when it has one (its cancelled timers dropped first).
  private firstLiveTimer(): SimEvent | undefined {
    if (this.tiedCancelled > 0) {
      const live = this.tiedTimers.filter((timer) => !timer.cancelled);
      this.tiedTimers.length = 0;
      this.tiedTimers.push(...live);
      this.tiedCancelled = 0;
    }
    return this.tiedTimers[0] ?? this.liveTimer();
  }

  private returnTied(): void {
    for (const timer of this.tiedTimers) if (!timer.cancelled) this.timers.push(timer);
    this.tiedTimers.length = 0;
    this.tiedCancelled = 0;
  }

  private liveTimer(): SimEvent | undefined {
    let top = this.timers.peek();
    while (top !== undefined && top.cancelled) {
      this.timers.pop();
      top = this.timers.peek();
    }
    return top;
  }

  // A new timer earlier than the horizon: ready events due after it are no longer ready. This scan is the
  // one non-logarithmic step; it happens only when a timer is set earlier than every pending one.
  private lowerHorizon(dueMs: number): void {
    this.horizonMs = dueMs;
    for (let index = this.ready.length - 1; index >= 0; index--) {
      const event = this.ready[index] as SimEvent;
      if (event.dueMs > dueMs) {
        this.removeReady(event);
        this.notReady.push(event);
      }
    }
  }

  private raiseHorizon(): void {
    const next = this.firstLiveTimer();
    this.horizonMs = next === undefined ? Number.POSITIVE_INFINITY : next.dueMs;
    for (let top = this.notReady.peek(); top !== undefined && top.dueMs <= this.horizonMs; top = this.notReady.peek()) {
      this.notReady.pop();
      if (!top.cancelled) {
        top.readyIndex = this.ready.length;
        this.ready.push(top);
      }
    }
  }
}

// A withdrawn event never runs: what it would have done is let go at once, not when the queue reaches it.
function withdraw(event: SimEvent): void {
  event.cancelled = true;
  event.action = withdrawnAction;
}

const withdrawnAction = (): void => undefined;

export { Lane };
