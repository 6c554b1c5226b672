/** `fetch(input, init)` answered by the simulation: over the simulated network to the integrator's backend. */
export type SimulatedFetch = (input: unknown, init?: unknown) => Promise<unknown>;

/** Timers on a simulated machine's virtual clock: each firing is a scheduled event. */
export interface VirtualTimers {
  /** Schedules `callback` after `delayMs` of virtual time (again every `delayMs` when `repeat`); returns its number. */
  set(callback: () => void, delayMs: number, repeat: boolean): number;
  /** Cancels a timer; unknown or finished numbers are ignored, as `clearTimeout` ignores them. */
  clear(id: number): void;
}
