import type { RandomStream } from '../kernel/random.ts';
import type { Strategy } from '../kernel/strategy.ts';

/**
 * PCT (Burckhardt et al., ASPLOS 2010): every actor gets a random priority and the highest-priority enabled
 * event always runs; at d − 1 random steps the running actor drops below every initial priority. A bug of
 * depth d among n actors and k steps is then found with probability at least 1/(n·k^(d−1)) per run.
 * Actors are met lazily, so a new one gets a fresh random priority above all lowered ones.
 */
export function pctStrategy(stream: RandomStream, depth: number, stepsEstimate: number): Strategy {
  const priorities = new Map<string, number>();
  const changePoints = new Map<number, number>();
  for (let index = 0; index < depth - 1; index++) {
    let step = stream.integer(0, Math.max(0, stepsEstimate - 1));
    while (changePoints.has(step)) step = (step + 1) % Math.max(1, stepsEstimate);
    changePoints.set(step, depth - 2 - index);
  }
  const priorityOf = (actor: string): number => {
    let priority = priorities.get(actor);
    if (priority === undefined) {
      priority = depth + stream.next();
      priorities.set(actor, priority);
    }
    return priority;
  };
  return {
    name: 'pct',
    choose(enabled, context) {
      let best = 0;
      let bestPriority = Number.NEGATIVE_INFINITY;
      for (let index = 0; index < enabled.length; index++) {
        const event = enabled[index];
        if (event === undefined) continue;
        const priority = priorityOf(event.actor);
        const current = enabled[best];
        if (priority > bestPriority || (priority === bestPriority && current !== undefined && event.sequence < current.sequence)) {
          best = index;
          bestPriority = priority;
        }
      }
      const lowered = changePoints.get(context.step);
      const chosen = enabled[best];
      if (lowered !== undefined && chosen !== undefined) priorities.set(chosen.actor, lowered);
      return best;
    },
  };
}
