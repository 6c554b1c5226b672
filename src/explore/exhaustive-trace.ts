/**
 * The partial order of one execution, as dynamic partial-order reduction (exhaustive-dpor.ts) sees it.
 *
 * Soundness argument (why two executions this file calls equivalent end in the same state):
 *
 * - The kernel's enabled set: every asynchronous candidate due no later than the next live timer, else the
 *   timers tied at that timer's time. An event runs at its effective time `atMs = max(clock, dueMs)` and
 *   moves the clock there. So an event depends on others through the resources it touches, through the
 *   clock it reads, and through the enabled set (timers wait for the absence of asynchronous events).
 * - Timers are dependent on every event: they run only when no asynchronous event is ready, so they are
 *   barriers, and two tied timers are ordered by the choice itself.
 * - The clock, with `exactClock`: events running at different virtual times are dependent (one saw a clock
 *   the other moved).
 *   Events with the same effective time T form a slot; the first event of a slot (T > 0) has `dueMs = T`
 *   (it moved the clock), and an event of the slot with `dueMs < T` ran late only because one with
 *   `dueMs = T` ran before it. Making "late" and "on time" events of a slot dependent keeps every late one
 *   after an on-time one, so every reordering that respects the dependencies gives every event the same
 *   effective time: it reads the same clock and creates its events with the same due times.
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
 *   connection, a halted world), the pair is learned as dependent, and the disabled event is tried first.
 * - The clock, by default: not a dependency. Two executions are then equivalent when they order every pair of
 *   events sharing a resource (and every timer) alike, even if an independent event ran a few virtual
 *   milliseconds later in one of them (an asynchronous event may always be stretched up to the next timer —
 *   that is the kernel's model of latency). This is the equivalence sleep-set search used before (its count
 *   of schedules is unchanged); it is exact on state and order, and abstracts only the virtual time at which
 *   independent events run. `exactClock` removes that abstraction at the price of many more traces.
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
  /** Whether the clock orders events (exact) or only resources and timers do (the default; see above). */
  constructor(readonly exactClock = false) {}
  /** Records that `left` removed `right` from the enabled set (or the reverse). */
  add(left: string, right: string): void {
    this.pairs.add(left < right ? `${left}\u0000${right}` : `${right}\u0000${left}`);
  }
  /** Whether the pair was ever seen disabling one another. */
  has(left: string, right: string): boolean {
    return this.pairs.has(left < right ? `${left}\u0000${right}` : `${right}\u0000${left}`);
  }
}

/** The dependency relation of events placed at times `atMs` (see the soundness argument above). */
export function dependent(left: Candidate & { readonly atMs: number }, right: Candidate & { readonly atMs: number }, learned: LearnedConflicts): boolean {
  if (left.timer || right.timer) return true;
  if (learned.exactClock && left.atMs !== right.atMs) return true;
  if (learned.exactClock && (left.dueMs === left.atMs) !== (right.dueMs === right.atMs)) return true;
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
  fingerprint(): string {
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
      order.push(this.learned.exactClock ? `${step.key}@${step.atMs}` : step.key);
    }
    return order.join(' ');
  }
}

/**
 * A canonical name of an execution's Mazurkiewicz trace: its lexicographically least linearisation by key
 * (with each event's time). Two executions have the same fingerprint exactly when they order every dependent
 * pair alike. Computed without learned conflicts, so that it does not depend on what a search saw before.
 */
export function traceFingerprint(steps: readonly TraceStep[], exactClock: boolean): string {
  return new HappensBefore(steps, new LearnedConflicts(exactClock)).fingerprint();
}
