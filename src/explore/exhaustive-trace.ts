/**
 * The partial order of one execution, as dynamic partial-order reduction (exhaustive-dpor.ts) sees it.
 *
 * Soundness argument (why two executions this file calls equivalent end in the same state, every clock reading
 * alike):
 *
 * - The kernel's enabled set: every asynchronous candidate due no later than the next live timer, else the
 *   timers tied at that timer's time. An event runs at its effective time `atMs = max(clock, dueMs)` and
 *   moves the clock there. So an event depends on others through the resources it touches, through the
 *   clock it reads, and through the enabled set (timers wait for the absence of asynchronous events).
 * - Timers are dependent on every event: they run only when no asynchronous event is ready, so they are
 *   barriers, and two tied timers are ordered by the choice itself.
 * - What reads the clock. An event *observes* the clock when its action, with the reactions settled after it,
 *   reads the virtual time's value (`EventQueue.nowMs`): provider code through its instance hooks (Date,
 *   performance), a key-store version stamped for a lagging replica to compare, a threshold the clock may still
 *   be short of (a fault phase, a downtime, a partition; `EventQueue.reached`), a key that names the time, the
 *   birth of a drifting clock. Scheduling relative to now is not a reading: the queue adds a message's latency or
 *   a timer's delay to its own clock, and the retention probes are placed relative to the settling moment.
 *   An event is *time-relevant* when it observes the clock, when it created a time-relevant event (whose due time
 *   is its creator's time plus a delay), or when it is the message queued just before a time-relevant one on its
 *   lane (FIFO lifts the later due time to the earlier one). The search learns the time-relevant keys from each
 *   execution (`timeRelevantSteps`) and keeps their union.
 * - The clock, with `exactClock` (the default): two events are dependent when either is time-relevant and they
 *   run at different virtual times (one ran after the other moved the clock).
 *   Events with the same effective time T form a slot; the first event of a slot (T > 0) has `dueMs = T`
 *   (it moved the clock), and an event of the slot with `dueMs < T` ran late only because one with
 *   `dueMs = T` ran before it. Making "late" and "on time" events of a slot dependent (again when either is
 *   time-relevant) keeps every late one after an on-time one, so every reordering that respects the
 *   dependencies gives every time-relevant event the same effective time: every observer reads the same clock,
 *   and every time-relevant event is created with the same due time, by induction along the creation chain.
 *   An event that is not time-relevant may run at another time in an equivalent execution: it reads no clock,
 *   so its effect on the state is the same, and nothing observes the due times of what it creates. Where it
 *   could still matter — moving the clock before a time-relevant event — the two ran at different times, so
 *   they are dependent and keep their order.
 *   Its time does enter the relation, though, so two executions alike in every order of conflicting events and
 *   in every time-relevant time can still be told apart, and both be run: a redundancy, never a miss. The tests
 *   therefore compare *observations* (`observationFingerprint`) with full enumeration, on providers that read
 *   the clock.
 * - Learning restarts the search: when an execution shows a key time-relevant that was treated as time-blind,
 *   the path is dropped and the search begins again (the relation only grows). The last pass learns nothing, so
 *   it ran under one relation that holds for every execution it explored. In a world where nothing observes the
 *   clock (good-static-key: the provider never reads it and its timeouts are relative), the exact relation is
 *   the clock-blind one and the counts agree.
 * - Resources: two asynchronous events of one slot, both on time or both late, touching no common resource,
 *   run at the same clock on disjoint state, so they commute. The new events they create have the same due
 *   times; only creation sequence numbers differ, which the kernel uses as a tie-break inside heaps and never
 *   to decide what is enabled (strategies choose by key). Events are named by meaning (`key`), so a key
 *   names the same event in every execution.
 * - Enabling: an event is ordered after the event that created it (`causeSequence`, a kernel hook) and after
 *   the event after which it last became enabled (a lane's previous message was delivered, a timer fired, a
 *   timer was cancelled and the horizon rose). These edges are happens-before but never races: the later
 *   event could not have run first. Nor are two messages of one lane a race (FIFO), nor a timer and an
 *   asynchronous event (the timer is not enabled while the other is ready, or made it ready).
 * - Disabling: when an event removes another from the enabled set without running it (a dropped
 *   connection), the pair is learned as dependent, and the disabled event is tried first.
 * - Halts: the last event of a violating (or finished) execution disables whatever was still enabled. Running
 *   one of those first is another trace whatever the relation says of the pair, so it is planted directly where
 *   the halt ran, and a sleeper that halted the world from a node is never carried asleep below it.
 * - The clock, with `exactClock` off: not a dependency at all. Two executions are then equivalent when they order
 *   every pair of events sharing a resource (and every timer) alike, even if a provider read another time in one
 *   of them. This is the equivalence sleep-set search used before (its count of schedules is unchanged); it is
 *   blind to providers that read the clock, which the exact relation is not.
 * - Timers' due times: a pending timer bounds which asynchronous events are ready. A timer made by an event
 *   that is not time-relevant may fall elsewhere in an equivalent execution; a wakeup branch that then names an
 *   event that is not enabled is dropped and counted (`infeasible`), never silent (0 in the bench's worlds).
 * - Assumptions (true of the pinned exhaustive world, documented in README): latencies are fixed, so the
 *   shared latency streams return the same value in any order; checkers judge the state, not the order of
 *   independent records. The tests compare DPOR with full enumeration on small worlds to check them.
 */

/** An event as the search knows it: stable key, what it touches, when it is due. */
export interface Candidate {
  readonly key: string;
  readonly resources: readonly string[];
  readonly timer: boolean;
  /** The FIFO lane of a delivery: a later message of a lane never overtakes an earlier one. */
  readonly lane: string | undefined;
  readonly dueMs: number;
}

/** One executed step: the event, the time it ran at, and the steps that enabled it (-1: none, set-up). */
export interface TraceStep extends Candidate {
  readonly atMs: number;
  readonly causeStep: number;
  readonly enablerStep: number;
}

/** The dependency relation's settings, and the pairs of keys seen to disable one another (dependent from then on). */
export class LearnedConflicts {
  private readonly pairs = new Set<string>();
  /** Keys of events seen time-relevant in some execution (see above): only they are ordered by the clock. */
  readonly timeRelevant = new Set<string>();
  /** Whether the clock orders events (exact) or only resources and timers do (see above). */
  constructor(readonly exactClock = false) {}
  /** Adds the time-relevant events of one execution; whether any was new. */
  learnTimeRelevant(steps: readonly TraceStep[], observedClock: readonly boolean[]): boolean {
    const before = this.timeRelevant.size;
    for (const index of timeRelevantSteps(steps, observedClock)) this.timeRelevant.add((steps[index] as TraceStep).key);
    return this.timeRelevant.size > before;
  }
  /** Records that `left` removed `right` from the enabled set (or the reverse). */
  add(left: string, right: string): void {
    this.pairs.add(left < right ? `${left}\u0000${right}` : `${right}\u0000${left}`);
  }
  /** Whether the pair was ever seen disabling one another. */
  has(left: string, right: string): boolean {
    return this.pairs.has(left < right ? `${left}\u0000${right}` : `${right}\u0000${left}`);
  }
}

/**
 * The steps of one execution whose time matters (see above): each step that observed the clock, the step that
 * created a time-relevant one (its due time is the creator's time plus a latency) and the message queued before
 * a time-relevant one on its lane (a later message is never due before an earlier one).
 */
export function timeRelevantSteps(steps: readonly TraceStep[], observedClock: readonly boolean[]): number[] {
  const relevant = observedClock.slice(0, steps.length);
  const laneNext = new Map<string, number>();
  for (let index = steps.length - 1; index >= 0; index--) {
    const step = steps[index] as TraceStep;
    if (step.lane !== undefined) {
      const next = laneNext.get(step.lane);
      if (next !== undefined && relevant[next] === true) relevant[index] = true;
      laneNext.set(step.lane, index);
    }
    if (relevant[index] === true && step.causeStep >= 0) relevant[step.causeStep] = true;
  }
  const found: number[] = [];
  for (let index = 0; index < steps.length; index++) if (relevant[index] === true) found.push(index);
  return found;
}

/** The dependency relation of events placed at times `atMs` (see the soundness argument above). */
export function dependent(left: Candidate & { readonly atMs: number }, right: Candidate & { readonly atMs: number }, learned: LearnedConflicts): boolean {
  if (left.timer || right.timer) return true;
  if (learned.exactClock && (learned.timeRelevant.has(left.key) || learned.timeRelevant.has(right.key))) {
    if (left.atMs !== right.atMs) return true;
    if ((left.dueMs === left.atMs) !== (right.dueMs === right.atMs)) return true;
  }
  if (left.resources.some((resource) => right.resources.includes(resource))) return true;
  return learned.has(left.key, right.key);
}

/** The candidate placed at the time it would run from a state whose clock reads `nowMs`. */
export function placedAt<T extends Candidate>(candidate: T, nowMs: number): T & { readonly atMs: number } {
  return { ...candidate, atMs: Math.max(nowMs, candidate.dueMs) };
}

/** Happens-before of one execution: for every step, the set of earlier steps it depends on, transitively. */
export class HappensBefore {
  private readonly words: number;
  /** predecessors[j]: bitset of every i < j with i →hb j. */
  private readonly predecessors: Uint32Array[];
  /** Direct edges into each step that are enabling (cause, enabler), hence never races. */
  readonly direct: number[][];

  constructor(
    readonly steps: readonly TraceStep[],
    readonly learned: LearnedConflicts,
  ) {
    this.words = Math.ceil(steps.length / 32) + 1;
    this.predecessors = [];
    this.direct = [];
    for (let later = 0; later < steps.length; later++) {
      const step = steps[later] as TraceStep;
      const bits = new Uint32Array(this.words);
      const direct: number[] = [];
      for (let earlier = 0; earlier < later; earlier++) {
        if (earlier === step.causeStep || earlier === step.enablerStep || dependent(steps[earlier] as TraceStep, step, learned)) {
          direct.push(earlier);
          const inherited = this.predecessors[earlier] as Uint32Array;
          for (let word = 0; word < this.words; word++) bits[word] = (bits[word] as number) | (inherited[word] as number);
          bits[earlier >>> 5] = (bits[earlier >>> 5] as number) | (1 << (earlier & 31));
        }
      }
      this.predecessors.push(bits);
      this.direct.push(direct);
    }
  }

  /** Whether step `earlier` happens before step `later`. */
  precedes(earlier: number, later: number): boolean {
    const bits = this.predecessors[later] as Uint32Array;
    return ((bits[earlier >>> 5] as number) & (1 << (earlier & 31))) !== 0;
  }

  /**
   * The races of the execution: pairs i < j that are dependent with no step between them in happens-before,
   * where j did not need i to be enabled (an asynchronous pair, or two timers both enabled at step i).
   */
  races(timerEnabledAt: (step: number, key: string) => boolean): Array<readonly [number, number]> {
    const found: Array<readonly [number, number]> = [];
    for (let later = 0; later < this.steps.length; later++) {
      const step = this.steps[later] as TraceStep;
      const direct = this.direct[later] as number[];
      for (const earlier of direct) {
        if (earlier === step.causeStep || earlier === step.enablerStep) continue;
        const before = this.steps[earlier] as TraceStep;
        // A timer never runs while an asynchronous event is ready, so a mixed pair cannot be reversed.
        if (before.timer !== step.timer) continue;
        if (step.timer && !timerEnabledAt(earlier, step.key)) continue;
        // Two messages of one lane: the later one waits behind the earlier one whenever it is sent.
        if (step.lane !== undefined && step.lane === before.lane) continue;
        if (direct.some((middle) => middle > earlier && this.precedes(earlier, middle))) continue;
        found.push([earlier, later]);
      }
    }
    return found;
  }

  /** notdep(i).j: the steps after i that do not happen after it, then j — a schedule that reverses the race. */
  reversal(earlier: number, later: number): number[] {
    const sequence: number[] = [];
    for (let middle = earlier + 1; middle < later; middle++) if (!this.precedes(earlier, middle)) sequence.push(middle);
    sequence.push(later);
    return sequence;
  }

  /** A canonical name of the execution's Mazurkiewicz trace: see `traceFingerprint`. */
  fingerprint(timed: ReadonlySet<string> = this.learned.exactClock ? this.learned.timeRelevant : new Set()): string {
    const placed = new Array<boolean>(this.steps.length).fill(false);
    const order: string[] = [];
    for (let count = 0; count < this.steps.length; count++) {
      let best = -1;
      for (let index = 0; index < this.steps.length; index++) {
        if (placed[index] || !(this.direct[index] as number[]).every((earlier) => placed[earlier])) continue;
        if (best < 0 || (this.steps[index] as TraceStep).key < (this.steps[best] as TraceStep).key) best = index;
      }
      placed[best] = true;
      const step = this.steps[best] as TraceStep;
      order.push(timed.has(step.key) ? `${step.key}@${step.atMs}` : step.key);
    }
    return order.join(' ');
  }
}

/**
 * A canonical name of an execution's Mazurkiewicz trace: its lexicographically least linearisation by key
 * (with each event's time). Two executions have the same fingerprint exactly when they order every dependent
 * pair alike. Computed without learned conflicts, so that it does not depend on what a search saw before; with
 * the time-relevant keys given (a search's final set, so that every execution is named under one relation).
 */
export function traceFingerprint(steps: readonly TraceStep[], exactClock: boolean, timeRelevant: Iterable<string> = []): string {
  const relation = new LearnedConflicts(exactClock);
  for (const key of timeRelevant) relation.timeRelevant.add(key);
  return new HappensBefore(steps, relation).fingerprint();
}

/**
 * What an execution observed: its order of events sharing a resource (the clock-blind trace) with the time of
 * every time-relevant event. Executions alike in this are alike in state and in every clock reading, so a search
 * that reaches every observation full enumeration reaches misses no behaviour (the tests compare these).
 */
export function observationFingerprint(steps: readonly TraceStep[], timeRelevant: Iterable<string>): string {
  return new HappensBefore(steps, new LearnedConflicts(false)).fingerprint(new Set(timeRelevant));
}
