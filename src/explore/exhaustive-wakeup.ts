import { dependent, type Candidate, type LearnedConflicts } from './exhaustive-trace.ts';

/** An event of a wakeup sequence, placed in time, with the keys of earlier events of the sequence it needs. */
export interface WakeupStep extends Candidate {
  readonly atMs: number;
  readonly requires: readonly string[];
}

/** A wakeup tree (Abdulla et al., POPL 2014): ordered branches of schedules still to explore from a state. */
export interface WakeupTree {
  readonly children: Array<{ readonly step: WakeupStep; readonly subtree: WakeupTree }>;
}

/** An empty wakeup tree. */
export function emptyWakeupTree(): WakeupTree {
  return { children: [] };
}

/**
 * Where `step` can go first in `sequence`: the index of its key when no earlier event of the sequence
 * happens before it (an initial), `sequence.length` when it is absent and independent of every event (a weak
 * initial that stays enabled), -1 otherwise.
 */
function initialIndex(step: WakeupStep, sequence: readonly WakeupStep[], learned: LearnedConflicts): number {
  const index = sequence.findIndex((each) => each.key === step.key);
  if (index >= 0) {
    const found = sequence[index] as WakeupStep;
    for (let earlier = 0; earlier < index; earlier++) {
      const before = sequence[earlier] as WakeupStep;
      if (found.requires.includes(before.key) || dependent(before, found, learned)) return -1;
    }
    return index;
  }
  return sequence.every((each) => !dependent(step, each, learned)) ? sequence.length : -1;
}

/** Whether some event of `asleep` is a weak initial of `sequence`: then an explored branch covers it already. */
export function coveredBySleep(asleep: Iterable<WakeupStep>, sequence: readonly WakeupStep[], learned: LearnedConflicts): boolean {
  for (const step of asleep) if (initialIndex(step, sequence, learned) >= 0) return true;
  return false;
}

/**
 * Inserts `sequence` into the tree unless a branch already covers it: follows the first child that can go
 * first in what is left of the sequence; stops at a leaf (whatever follows a leaf is explored freely and
 * finds its own races); otherwise adds what is left as the last branch of the node reached.
 */
export function insertWakeup(tree: WakeupTree, sequence: readonly WakeupStep[], learned: LearnedConflicts): void {
  let node = tree;
  let rest = sequence;
  for (let depth = 0; rest.length > 0; depth++) {
    if (depth > 0 && node.children.length === 0) return;
    let next: WakeupTree | undefined;
    for (const child of node.children) {
      const index = initialIndex(child.step, rest, learned);
      if (index < 0) continue;
      if (index < rest.length) rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
      next = child.subtree;
      break;
    }
    if (next === undefined) {
      node.children.push(chain(rest));
      return;
    }
    node = next;
  }
}

function chain(sequence: readonly WakeupStep[]): { readonly step: WakeupStep; readonly subtree: WakeupTree } {
  const [first, ...rest] = sequence as [WakeupStep, ...WakeupStep[]];
  return { step: first, subtree: { children: rest.length === 0 ? [] : [chain(rest)] } };
}
