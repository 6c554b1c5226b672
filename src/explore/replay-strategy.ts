import type { Strategy } from '../kernel/strategy.ts';
import { timedStrategy } from './timed-strategy.ts';

/** A replay's bookkeeping: how many recorded decisions could not be followed. */
export interface ReplayDrift {
  missed: number;
  firstMissedStep: number | undefined;
  /** The event the first missed decision named. */
  firstMissedEvent?: string | undefined;
}

/**
 * Follows a decision list by meaning: at step i it runs the enabled event whose key is `decisions[i]`. A
 * `null` decision, a step past the list, or a key that is not enabled falls back to the default choice (the
 * earliest event), so a list recorded before an unrelated code change still steers the run it names.
 */
export function replayStrategy(decisions: readonly (string | null)[], drift: ReplayDrift = { missed: 0, firstMissedStep: undefined }): Strategy {
  return {
    name: 'replay',
    choose(enabled, context) {
      const wanted = decisions[context.step];
      if (wanted !== null && wanted !== undefined) {
        for (let index = 0; index < enabled.length; index++) if (enabled[index]?.key === wanted) return index;
        drift.missed++;
        if (drift.firstMissedStep === undefined) {
          drift.firstMissedStep = context.step;
          drift.firstMissedEvent = wanted;
        }
      }
      return timedStrategy.choose(enabled, context);
    },
  };
}
