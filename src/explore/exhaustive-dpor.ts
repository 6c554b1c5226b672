import type { SimEvent } from '../kernel/event.ts';
import type { Strategy } from '../kernel/strategy.ts';
import { dependent, HappensBefore, LearnedConflicts, placedAt, type Candidate, type TraceStep } from './exhaustive-trace.ts';
import { coveredBySleep, emptyWakeupTree, insertWakeup, type WakeupStep, type WakeupTree } from './exhaustive-wakeup.ts';

/** One state on the current path: what was enabled, what is asleep, what is still to explore from it. */
interface PathNode {
  readonly nowMs: number;
  readonly enabled: ReadonlyMap<string, WakeupStep>;
  /** Events whose branches from here are covered: asleep on entry, then every explored child. */
  readonly asleep: Map<string, WakeupStep>;
  readonly wakeup: WakeupTree;
  /** Children that halted the world when run from here: asleep here, but never asleep below (see `extend`). */
  readonly halting: Set<string>;
  chosen: string;
}

/** What one execution recorded, for race analysis once it ends. */
class ExecutionRecord {
  readonly steps: TraceStep[] = [];
  readonly decisions: string[] = [];
  /** Per step: whether its event (with the reactions settled after it) read the clock. */
  readonly observedClock: boolean[] = [];
  clockReads = -1;
  /** (step, key): the event `key`, enabled before `step`, was no longer enabled after it, without running. */
  readonly disabled: Array<readonly [number, string]> = [];
  readonly stepOfSequence = new Map<number, number>();
  readonly enablerOf = new Map<string, number>();
  previousEnabled = new Set<string>();
}

function candidateOf(event: SimEvent, nowMs: number): WakeupStep {
  return { ...placedAt({ key: event.key, resources: event.resources, timer: event.timing === 'timer', lane: event.lane?.name, dueMs: event.dueMs }, nowMs), requires: [] };
}

/** How an execution's analysis ends: another execution, a fresh start under a finer relation, or the space covered. */
export type SearchMove = 'next' | 'restart' | 'covered';

/**
 * Optimal dynamic partial-order reduction (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014: sleep sets and
 * wakeup trees) by stateless re-execution: each execution follows the current path, then the first branch of
 * the wakeup tree below it, then any awake event; at its end its races are reversed into wakeup sequences.
 * With `reduction` off, every enabled event is a branch (full enumeration, to compare against).
 * When an execution shows an event time-relevant that the search had treated as time-blind, the search starts
 * again from the empty path: the relation only grows, so the pass that learns nothing new used one relation.
 */
export class DporSearch {
  private readonly path: PathNode[] = [];
  private readonly learned: LearnedConflicts;
  private record = new ExecutionRecord();
  /** Wakeup branches dropped because their first event was not enabled where they were to start. */
  infeasible = 0;
  /** Fresh starts after learning time-relevant events. */
  restarts = 0;

  constructor(
    private readonly reduction: boolean,
    exactClock: boolean,
  ) {
    this.learned = new LearnedConflicts(exactClock);
  }

  /** A strategy for the next execution. */
  strategy(): Strategy {
    this.record = new ExecutionRecord();
    const record = this.record;
    return {
      name: 'exhaustive',
      choose: (enabled, { step, nowMs, clockReads }) => {
        this.observeClock(record, step, clockReads);
        this.observeEnabled(record, enabled, step);
        const node = this.path[step] ?? this.extend(enabled, step, nowMs);
        if (node === undefined) return -1;
        const index = enabled.findIndex((event) => event.key === node.chosen);
        const event = enabled[index];
        if (event === undefined) throw new Error(`exhaustive search: ${node.chosen} is not enabled at step ${step} on replay; the model is not deterministic`);
        record.decisions.push(event.key);
        record.stepOfSequence.set(event.sequence, step);
        record.steps.push({
          ...candidateOf(event, nowMs),
          causeStep: record.stepOfSequence.get(event.causeSequence) ?? -1,
          enablerStep: record.enablerOf.get(event.key) ?? -1,
        });
        return index;
      },
      end: ({ step, clockReads }) => this.observeClock(record, step, clockReads),
    };
  }

  /** The time-relevant event keys learned so far (to fingerprint executions under the final relation). */
  get timeRelevant(): ReadonlySet<string> {
    return this.learned.timeRelevant;
  }

  // Reads of the clock since the previous decision belong to the step before (set-up's to nobody).
  private observeClock(record: ExecutionRecord, step: number, clockReads: number): void {
    if (step > 0 && record.clockReads >= 0) record.observedClock[step - 1] = clockReads > record.clockReads;
    record.clockReads = clockReads;
  }

  /** The decisions and steps of the execution that just ran. */
  get last(): { readonly decisions: readonly string[]; readonly steps: readonly TraceStep[] } {
    return this.record;
  }

  /** Analyses the execution that just ran, then moves to the next branch (or starts again, see above). */
  finish(abandoned: boolean): SearchMove {
    const record = this.record;
    if (this.learned.exactClock && this.learned.learnTimeRelevant(record.steps, record.observedClock) && this.reduction) {
      this.path.length = 0;
      this.restarts++;
      return 'restart';
    }
    const lastStep = record.steps.length - 1;
    if (!abandoned && lastStep >= 0) {
      // Whatever was still enabled at the end was disabled by the last event (it halted or emptied the world).
      const lastKey = (record.steps[lastStep] as TraceStep).key;
      for (const key of record.previousEnabled) if (key !== lastKey) record.disabled.push([lastStep, key]);
      if (record.previousEnabled.size > 1) this.path[lastStep]?.halting.add(lastKey);
    }
    if (this.reduction) this.reverseRaces(record);
    return this.backtrack() ? 'next' : 'covered';
  }

  private observeEnabled(record: ExecutionRecord, enabled: readonly SimEvent[], step: number): void {
    const current = new Set<string>();
    for (const event of enabled) {
      current.add(event.key);
      if (!record.previousEnabled.has(event.key)) record.enablerOf.set(event.key, step - 1);
    }
    const chosenBefore = record.steps[step - 1]?.key;
    for (const key of record.previousEnabled) if (key !== chosenBefore && !current.has(key)) record.disabled.push([step - 1, key]);
    record.previousEnabled = current;
  }

  /** A new node at the end of the path: it follows its parent's wakeup subtree, else any awake event. */
  private extend(events: readonly SimEvent[], step: number, nowMs: number): PathNode | undefined {
    const enabled = new Map(events.map((event) => [event.key, candidateOf(event, nowMs)] as const));
    const parent = this.path[step - 1];
    const asleep = new Map<string, WakeupStep>();
    let wakeup = emptyWakeupTree();
    if (parent !== undefined && this.reduction) {
      const chosen = parent.enabled.get(parent.chosen) as WakeupStep;
      // A sleeper that halted the world from the parent disabled the chosen event there: after it, it is another trace.
      for (const [key, sleeper] of parent.asleep) if (!parent.halting.has(key) && !dependent(chosen, sleeper, this.learned)) asleep.set(key, placedAt(sleeper, nowMs));
      wakeup = parent.wakeup.children.find((child) => child.step.key === parent.chosen)?.subtree ?? wakeup;
    }
    if (!this.reduction) for (const candidate of enabled.values()) wakeup.children.push({ step: candidate, subtree: emptyWakeupTree() });
    this.dropInfeasible(wakeup, enabled);
    if (wakeup.children.length === 0) {
      const awake = [...enabled.values()].find((candidate) => !asleep.has(candidate.key));
      if (awake === undefined) return undefined;
      wakeup.children.push({ step: awake, subtree: emptyWakeupTree() });
    }
    const node: PathNode = { nowMs, enabled, asleep, wakeup, halting: new Set(), chosen: (wakeup.children[0] as WakeupTree['children'][number]).step.key };
    this.path.push(node);
    return node;
  }

  private reverseRaces(record: ExecutionRecord): void {
    const lastStep = record.steps.length - 1;
    const ranAfter = (step: number, key: string): boolean => record.steps.some((each, index) => index > step && each.key === key);
    // A disabled event that later runs anyway was only postponed (a new, earlier timer): the clock orders it.
    const disabled = record.disabled.filter(([step, key]) => !ranAfter(step, key) || this.path[step]?.enabled.get(key)?.timer === true);
    for (const [step, key] of disabled) {
      const chosen = record.steps[step];
      // Cancelled, not halted: a hidden dependency (a dropped connection loses its messages).
      if (chosen !== undefined && step < lastStep && !ranAfter(step, key)) this.learned.add(chosen.key, key);
    }
    const order = new HappensBefore(record.steps, this.learned);
    const timerEnabledAt = (step: number, key: string): boolean => this.path[step]?.enabled.has(key) ?? false;
    for (const [earlier, later] of order.races(timerEnabledAt)) {
      const node = this.path[earlier] as PathNode;
      const indices = order.reversal(earlier, later);
      let clockMs = node.nowMs;
      this.insert(node, indices.map((index, position) => {
        const step = order.steps[index] as TraceStep;
        clockMs = Math.max(clockMs, step.dueMs);
        const requires = indices.slice(0, position).filter((before) => order.precedes(before, index)).map((before) => (order.steps[before] as TraceStep).key);
        return { key: step.key, resources: step.resources, timer: step.timer, lane: step.lane, dueMs: step.dueMs, atMs: clockMs, requires };
      }));
    }
    for (const [step, key] of disabled) {
      const node = this.path[step];
      const candidate = node?.enabled.get(key);
      if (node === undefined || candidate === undefined) continue;
      if (step === lastStep) this.insertBeforeHalt(node, candidate);
      else this.insert(node, [candidate]);
    }
  }

  /**
   * The last event halted the world (a violation, or every phase done) with `candidate` still enabled: running
   * the candidate first is another trace, whatever the relation says of the pair, because after a halt nothing
   * runs. An independent sleeper covers only traces that contain it, so only the candidate's own sleep covers it.
   */
  private insertBeforeHalt(node: PathNode, candidate: WakeupStep): void {
    if (node.asleep.has(candidate.key) || node.wakeup.children.some((child) => child.step.key === candidate.key)) return;
    node.wakeup.children.push({ step: candidate, subtree: emptyWakeupTree() });
  }

  private insert(node: PathNode, sequence: readonly WakeupStep[]): void {
    if (coveredBySleep(node.asleep.values(), sequence, this.learned)) return;
    insertWakeup(node.wakeup, sequence, this.learned);
  }

  /**
   * Drops branches whose first event is not enabled here. They come from a dependency the model hides from
   * `resources` (the world counts settled clients, and the last to settle starts the retention probe), so a
   * reversed race can name an event that the reordered prefix does not create. Counted, never silent.
   */
  private dropInfeasible(tree: WakeupTree, enabled: ReadonlyMap<string, WakeupStep>): void {
    for (let index = tree.children.length - 1; index >= 0; index--) {
      if (enabled.has((tree.children[index] as WakeupTree['children'][number]).step.key)) continue;
      tree.children.splice(index, 1);
      this.infeasible++;
    }
  }

  /** Marks the deepest chosen branch explored and moves to the next one, popping finished nodes. */
  private backtrack(): boolean {
    while (this.path.length > 0) {
      const node = this.path[this.path.length - 1] as PathNode;
      if (this.reduction) node.asleep.set(node.chosen, node.enabled.get(node.chosen) as WakeupStep);
      const index = node.wakeup.children.findIndex((child) => child.step.key === node.chosen);
      if (index >= 0) node.wakeup.children.splice(index, 1);
      this.dropInfeasible(node.wakeup, node.enabled);
      const next = node.wakeup.children[0];
      if (next !== undefined) {
        node.chosen = next.step.key;
        return true;
      }
      this.path.pop();
    }
    return false;
  }
}
