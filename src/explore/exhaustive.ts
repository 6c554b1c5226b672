import { exactClocks, noFaults } from '../config/fault-plan.ts';
import type { RunConfig } from '../config/run-config.ts';
import { fixedLatency } from '../config/swarm.ts';
import type { SimEvent } from '../kernel/event.ts';
import type { Strategy } from '../kernel/strategy.ts';
import type { ProviderSource } from '../providers/source.ts';
import { simulate, type SimulationResult } from '../simulate.ts';

/** What exhaustive search explores: one pinned world, up to `schedulesMax` runs. */
export interface ExhaustiveOptions {
  readonly source: ProviderSource;
  readonly config: RunConfig;
  readonly schedulesMax: number;
  /** Sleep-set reduction; off only to measure what it saves. */
  readonly reduction?: boolean;
  readonly onProgress?: (schedules: number) => void;
}

/** What exhaustive search covered, and the first violating schedule if any. */
export interface ExhaustiveReport {
  /** Complete runs: distinct interleavings up to the reordering of independent events. */
  readonly schedules: number;
  /** Runs dropped midway because every remaining choice was covered elsewhere (sleep sets). */
  readonly pruned: number;
  /** True when the whole space was covered; false when `schedulesMax` cut it. */
  readonly complete: boolean;
  readonly failure: { readonly decisions: readonly string[]; readonly result: SimulationResult } | undefined;
}

interface Choice {
  readonly key: string;
  readonly resources: readonly string[];
  readonly timer: boolean;
}

interface Node {
  readonly enabled: readonly Choice[];
  chosen: Choice;
  /** Choices already explored from this node (their subtrees are done). */
  readonly explored: Set<string>;
  /** Choices asleep on entry: covered by an equivalent interleaving elsewhere. */
  readonly asleep: ReadonlyMap<string, Choice>;
}

// Timers are enabled by the absence of earlier asynchronous events, so they depend on everything.
function independent(left: Choice, right: Choice): boolean {
  if (left.timer || right.timer) return false;
  return !left.resources.some((resource) => right.resources.includes(resource));
}

function choiceOf(event: SimEvent): Choice {
  return { key: event.key, resources: event.resources, timer: event.timing === 'timer' };
}

/**
 * Depth-first enumeration of every interleaving of one world, by stateless re-execution (each schedule is a
 * fresh run following a decision prefix), with sleep sets (Godefroid) so that independent events — those
 * touching no common resource, such as deliveries to different clients — are not permuted needlessly.
 */
export async function exploreExhaustively(options: ExhaustiveOptions): Promise<ExhaustiveReport> {
  const stack: Node[] = [];
  let schedules = 0;
  let pruned = 0;
  for (;;) {
    if (schedules >= options.schedulesMax) return { schedules, pruned, complete: false, failure: undefined };
    const decisions: string[] = [];
    const result = await simulate({ config: options.config, source: options.source, strategy: followThenExtend(stack, decisions, options.reduction ?? true) });
    if (result.outcome.kind === 'abandoned') pruned++;
    else schedules++;
    if (result.outcome.kind === 'violation' || result.outcome.kind === 'limit') {
      return { schedules, pruned, complete: false, failure: { decisions, result } };
    }
    if (schedules % 256 === 0) options.onProgress?.(schedules);
    if (!backtrack(stack)) return { schedules, pruned, complete: true, failure: undefined };
  }
}

/** Replays the stack's choices, then extends it with the first choice that is not asleep at each new step. */
function followThenExtend(stack: Node[], decisions: string[], reduction: boolean): Strategy {
  return {
    name: 'exhaustive',
    choose(enabled, { step }) {
      const existing = stack[step];
      if (existing !== undefined) {
        const index = enabled.findIndex((event) => event.key === existing.chosen.key);
        if (index < 0) throw new Error(`exhaustive search: ${existing.chosen.key} is not enabled at step ${step} on replay; the model is not deterministic`);
        decisions.push(existing.chosen.key);
        return index;
      }
      const parent = stack[step - 1];
      const asleep = new Map<string, Choice>();
      if (parent !== undefined && reduction) {
        const candidates = [...parent.asleep.values(), ...parent.enabled.filter((choice) => parent.explored.has(choice.key) && choice.key !== parent.chosen.key)];
        for (const choice of candidates) if (independent(choice, parent.chosen)) asleep.set(choice.key, choice);
      }
      const choices = enabled.map(choiceOf);
      const index = choices.findIndex((choice) => !asleep.has(choice.key));
      const chosen = choices[index];
      if (chosen === undefined) return -1;
      stack.push({ enabled: choices, chosen, explored: new Set([chosen.key]), asleep });
      decisions.push(chosen.key);
      return index;
    },
  };
}

/** Moves to the deepest node with an unexplored, awake choice; false when none is left anywhere. */
function backtrack(stack: Node[]): boolean {
  while (stack.length > 0) {
    const node = stack[stack.length - 1] as Node;
    const next = node.enabled.find((choice) => !node.explored.has(choice.key) && !node.asleep.has(choice.key));
    if (next !== undefined) {
      node.chosen = next;
      node.explored.add(next.key);
      return true;
    }
    stack.pop();
  }
  return false;
}

/** The pinned world exhaustive search uses by default: simultaneous arrivals and fixed 1 ms latencies. */
export function exhaustivePins(clients: number, documents: number): Partial<RunConfig> {
  return {
    clients,
    documents,
    strategy: 'timed',
    faults: noFaults,
    clocks: exactClocks,
    arrivalTimesMs: Array.from({ length: clients }, () => 0),
    network: fixedLatency(1),
    keyStore: fixedLatency(1),
  };
}
