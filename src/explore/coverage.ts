import type { RunConfig } from '../config/run-config.ts';
import type { Strategy } from '../kernel/strategy.ts';

/** What one strategy covered in a sweep. */
export interface StrategyCoverage {
  readonly strategy: string;
  readonly runs: number;
  /** Runs whose decision sequences differed: distinct schedules (up to a hash collision). */
  readonly distinctSchedules: number;
  /** The most actors (PCT's n) and steps (PCT's k) seen in one run. */
  readonly actorsMax: number;
  readonly stepsMax: number;
  /** PCT runs per depth d. */
  readonly runsByDepth: Readonly<Record<number, number>>;
}

const distinctTracked = 1_000_000;

/** A tally as plain data: per strategy, its runs, schedule fingerprints, n, k and PCT runs per depth. */
export type ExportedTally = readonly {
  readonly strategy: string;
  readonly runs: number;
  readonly hashes: readonly number[];
  readonly actorsMax: number;
  readonly stepsMax: number;
  readonly runsByDepth: Readonly<Record<number, number>>;
}[];

/** Collects, per strategy, the runs, distinct schedules and the n and k that PCT's guarantee needs. */
export class CoverageTally {
  private readonly byStrategy = new Map<string, { runs: number; hashes: Set<number>; actorsMax: number; stepsMax: number; runsByDepth: Record<number, number> }>();

  /** Wraps a run's strategy to fingerprint its decisions; call `close` when the run ends. */
  observe(config: RunConfig): { wrap: (strategy: Strategy) => Strategy; close: () => void } {
    let hash = 0x811c9dc5;
    let steps = 0;
    const actors = new Set<string>();
    let name = config.strategy as string;
    return {
      wrap: (inner) => {
        name = inner.name;
        return {
          name: inner.name,
          choose(enabled, context) {
            const index = inner.choose(enabled, context);
            const chosen = enabled[index];
            if (chosen !== undefined) {
              steps++;
              actors.add(chosen.actor);
              // FNV-1a over the chosen key: equal hashes for equal decision sequences.
              const key = chosen.key;
              for (let position = 0; position < key.length; position++) hash = Math.imul(hash ^ key.charCodeAt(position), 0x01000193);
              hash = Math.imul(hash ^ 0x7c, 0x01000193);
            }
            return index;
          },
        };
      },
      // One run is a tally of one: it is added the way a worker's tally is.
      close: () =>
        this.absorb([{ strategy: name, runs: 1, hashes: [hash >>> 0], actorsMax: actors.size, stepsMax: steps, runsByDepth: name === 'pct' ? { [config.pctDepth]: 1 } : {} }]),
    };
  }

  /** The tally as plain data, to cross a worker boundary or a CI shard. */
  export(): ExportedTally {
    return [...this.byStrategy].map(([strategy, entry]) => ({ strategy, runs: entry.runs, hashes: [...entry.hashes], actorsMax: entry.actorsMax, stepsMax: entry.stepsMax, runsByDepth: { ...entry.runsByDepth } }));
  }

  /** Adds another tally's runs (from a worker or a shard): counts add up, schedule fingerprints unite. */
  absorb(other: ExportedTally): void {
    for (const part of other) {
      let entry = this.byStrategy.get(part.strategy);
      if (entry === undefined) {
        entry = { runs: 0, hashes: new Set(), actorsMax: 0, stepsMax: 0, runsByDepth: {} };
        this.byStrategy.set(part.strategy, entry);
      }
      entry.runs += part.runs;
      for (const hash of part.hashes) if (entry.hashes.size < distinctTracked) entry.hashes.add(hash);
      entry.actorsMax = Math.max(entry.actorsMax, part.actorsMax);
      entry.stepsMax = Math.max(entry.stepsMax, part.stepsMax);
      for (const [depth, runs] of Object.entries(part.runsByDepth)) entry.runsByDepth[Number(depth)] = (entry.runsByDepth[Number(depth)] ?? 0) + runs;
    }
  }

  /** The coverage of every strategy that ran, in the order first seen. */
  summary(): StrategyCoverage[] {
    return [...this.byStrategy].map(([strategy, entry]) => ({
      strategy,
      runs: entry.runs,
      distinctSchedules: entry.hashes.size,
      actorsMax: entry.actorsMax,
      stepsMax: entry.stepsMax,
      runsByDepth: entry.runsByDepth,
    }));
  }
}

/** PCT's per-run lower bound on finding a given bug of depth d: 1 / (n · k^(d−1)). */
export function pctBound(actors: number, steps: number, depth: number): number {
  return 1 / (Math.max(1, actors) * Math.max(1, steps) ** (depth - 1));
}
