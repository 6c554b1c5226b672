import { InvalidArgumentError } from 'commander';
import { strategyNames, type ConfigPins, type StrategyName } from '../config/run-config.ts';

/** A commander parser for a whole number within [min, max]; the error names the accepted range. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    if (!/^\d+$/.test(trimmed)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    const parsed = Number(trimmed);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return parsed;
  };
}

/** What `--strategy` accepts: a per-run strategy, the default portfolio, or exhaustive search. */
export type StrategyChoice = StrategyName | 'portfolio' | 'exhaustive';

const strategyChoices: readonly StrategyChoice[] = ['portfolio', ...strategyNames, 'exhaustive'];

/** A commander parser for a strategy name. */
export function strategyName(value: string): StrategyChoice {
  if (!(strategyChoices as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${strategyChoices.join(', ')}.`);
  }
  return value as StrategyChoice;
}

/** The options that shape the simulated world, shared by check and replay. */
export interface WorldOptions {
  readonly clients?: number;
  readonly documents?: number;
  readonly strategy?: StrategyChoice;
  readonly depth?: number;
}

/** The configuration fields the user pinned. */
export function pinsFrom(options: WorldOptions): ConfigPins {
  return {
    ...(options.clients === undefined ? {} : { clients: options.clients }),
    ...(options.documents === undefined ? {} : { documents: options.documents }),
    ...(options.strategy === undefined || !isRunStrategy(options.strategy) ? {} : { strategy: options.strategy }),
    ...(options.depth === undefined ? {} : { pctDepth: options.depth }),
  };
}

/** The same pins as command-line flags, for replay lines. */
export function pinsAsFlags(pins: ConfigPins): string {
  const flags: string[] = [];
  if (pins.clients !== undefined) flags.push(`--clients ${pins.clients}`);
  if (pins.documents !== undefined) flags.push(`--documents ${pins.documents}`);
  if (pins.strategy !== undefined) flags.push(`--strategy ${pins.strategy}`);
  if (pins.pctDepth !== undefined) flags.push(`--depth ${pins.pctDepth}`);
  return flags.join(' ');
}

/** Quotes a shell word when it needs it. */
export function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function isRunStrategy(choice: StrategyChoice): choice is StrategyName {
  return (strategyNames as readonly string[]).includes(choice);
}
