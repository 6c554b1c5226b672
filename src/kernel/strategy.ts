import type { SimEvent } from './event.ts';

/** What a strategy may know when it chooses. */
export interface ChoiceContext {
  readonly step: number;
  readonly nowMs: number;
  /** How often the clock was read so far (`EventQueue.clockReads`): what each event observed, for exhaustive search. */
  readonly clockReads: number;
}

/**
 * The one decision point of the simulator: given the enabled events, which runs next. Random, timed, PCT,
 * exhaustive and replay are all strategies; nothing else orders events.
 */
export interface Strategy {
  readonly name: string;
  /** The index in `enabled` (never empty) of the event to run next; -1 abandons the run (a redundant branch). */
  choose(enabled: readonly SimEvent[], context: ChoiceContext): number;
  /** Sees the end of the run, after the last event and its settlement (exhaustive search: what that event observed). */
  end?(context: ChoiceContext): void;
}
