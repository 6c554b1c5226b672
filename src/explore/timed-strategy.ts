import type { Strategy } from '../kernel/strategy.ts';

/**
 * Always the earliest event by (due time, sequence): a plain discrete-event simulation in which only the
 * latencies decide the order. Scripted scenarios use it so that their traces read like a clock.
 */
export const timedStrategy: Strategy = {
  name: 'timed',
  choose(enabled) {
    let best = 0;
    for (let index = 1; index < enabled.length; index++) {
      const event = enabled[index];
      const current = enabled[best];
      if (event !== undefined && current !== undefined && (event.dueMs < current.dueMs || (event.dueMs === current.dueMs && event.sequence < current.sequence))) {
        best = index;
      }
    }
    return best;
  },
};
