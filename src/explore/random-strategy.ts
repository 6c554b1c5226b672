import type { RandomStream } from '../kernel/random.ts';
import type { Strategy } from '../kernel/strategy.ts';

/** Uniform among the enabled events, drawn from the run's `scheduler` stream. */
export function randomStrategy(scheduler: RandomStream): Strategy {
  return {
    name: 'random',
    choose: (enabled) => Math.floor(scheduler.next() * enabled.length),
  };
}
