import type { StrategyName } from '../config/run-config.ts';
import type { RandomStreams } from '../kernel/random.ts';
import type { Strategy } from '../kernel/strategy.ts';
import { randomStrategy } from './random-strategy.ts';
import { timedStrategy } from './timed-strategy.ts';

/** The strategy a run's configuration names, drawing only from the run's `scheduler` stream. */
export function createStrategy(name: StrategyName, streams: RandomStreams): Strategy {
  switch (name) {
    case 'random':
      return randomStrategy(streams.get('scheduler'));
    case 'timed':
      return timedStrategy;
  }
}
