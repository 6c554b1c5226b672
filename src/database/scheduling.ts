import type { HostOutcome } from '../kernel/host-work.ts';

/**
 * One event the database asks the world to schedule. The world turns it into a kernel event (see
 * `EventSpec` in src/kernel/event-queue.ts) whose action calls `start()` — real engine work, a promise the
 * world must wait for before it chooses the next event, like `HostWork.track` — and then `finish(outcome)`
 * in the order the work was started, never in the order it happened to complete.
 */
export interface DatabaseEvent {
  /** A name by meaning that stays the same across interleavings: `sql:r1#2`, `sql-timeout:r2#1`. */
  readonly key: string;
  /** PCT's thread: the caller whose statements these are (`sql:r1`). */
  readonly actor: string;
  /** Every statement touches the one engine, so any two are dependent. */
  readonly resources: readonly string[];
  readonly delayMs: number;
  /** Statements are asynchronous (the scheduler may reorder them); the idle-transaction timeout is a timer. */
  readonly timing: 'async' | 'timer';
  /** Starts the engine work of this event. */
  readonly start: () => Promise<void>;
  /** Delivers the outcome to the caller's code (resolves or rejects its promise). */
  readonly finish: (outcome: HostOutcome<void>) => void;
}

/** What the world gives back for a scheduled event: a way to withdraw it before it runs. */
export interface ScheduledEvent {
  cancel(): void;
}

/** The world's side of the database: the one place that decides when each statement runs. */
export interface DatabaseScheduler {
  schedule(event: DatabaseEvent): ScheduledEvent;
}
