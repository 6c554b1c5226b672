import type { RunConfig } from '../config/run-config.ts';
import type { RandomStreams } from '../kernel/random.ts';
import type { Strategy } from '../kernel/strategy.ts';
import { pctStrategy } from './pct-strategy.ts';
import { randomStrategy } from './random-strategy.ts';
import { timedStrategy } from './timed-strategy.ts';
import { assertNever } from '../kernel/assert-never.ts';

/** The strategy a run's configuration names, drawing only from the run's `scheduler` stream. */
export function createStrategy(config: RunConfig, streams: RandomStreams): Strategy {
  switch (config.strategy) {
    case 'random':
      return randomStrategy(streams.get('scheduler'));
    case 'pct':
      return pctStrategy(streams.get('scheduler'), config.pctDepth, config.pctStepsEstimate);
    case 'timed':
      return timedStrategy;
    default:
      return assertNever(config.strategy, 'strategy');
  }
}
