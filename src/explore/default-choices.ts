import type { Strategy } from '../kernel/strategy.ts';
import { timedStrategy } from './timed-strategy.ts';

/**
 * Wraps a strategy and writes down, for every step, the key it chose — or `null` where it chose what the
 * default (earliest event) would have. The `null`s are what shrinking aims for: a run steered by fewer
 * non-default decisions is a simpler story.
 */
export function notingDefaults(inner: Strategy, noted: (string | null)[]): Strategy {
  return {
    name: inner.name,
    choose(enabled, context) {
      const index = inner.choose(enabled, context);
      const chosen = enabled[index];
      if (chosen !== undefined) noted.push(index === timedStrategy.choose(enabled, context) ? null : chosen.key);
      return index;
    },
  };
}

/** How many decisions in a list are not the default. */
export function nonDefaultCount(decisions: readonly (string | null)[]): number {
  return decisions.filter((decision) => decision !== null).length;
}
