// Like against like: rtc-sim on a world the size of the fc.scheduler harness's (one document, no faults,
// clocks that agree, one retention probe — `bench/equal-world.json`, which the CLI takes as `--config`), and
// the cost of a run split into what every run pays once (fixed µs) and what each event adds (µs per event),
// fitted over worlds of 2, 3, 8 and 20 clients. Reproduce the equal world's sweep with
//   node bin/rtc-sim.js check examples/providers/good-store-backed-dynamic.ts --config bench/equal-world.json --workers 1
import type { SwarmSettings } from '../src/config/run-config.ts';
import { configPinsSchema } from '../src/config/config-schema.ts';
import { readJsonFile } from '../src/json-file.ts';
import { packageRoot } from '../src/package-root.ts';
import { runBaseline } from './baseline-fc-scheduler.ts';
import { runRtcSim } from './rtc-sim-throughput.ts';
import { spentMs, type Timed } from './timing.ts';

/** The equal world's file, as the CLI's `--config` reads it. */
export const equalWorldPath = `${packageRoot}bench/equal-world.json`;

/** The equal world's pins, checked by the schema `--config` is checked with. */
export function equalWorldPins(): SwarmSettings {
  const read = readJsonFile(equalWorldPath, configPinsSchema, 'config file');
  if (!read.ok) throw new Error(read.error.message);
  const { documents, ...rest } = read.value;
  // A document count in a config file may be a range; the equal world pins one.
  if (typeof documents !== 'number') throw new Error(`${equalWorldPath} must pin one document count`);
  return { ...rest, documents };
}

/** The two series the cost of a run is fitted for, beside the harness. */
export type WorldName = 'harness' | 'rtc-sim, equal world' | 'rtc-sim, default world';

/** One measured world size: schedules per second, events per schedule, µs per schedule. */
export interface SizePoint {
  readonly clients: number;
  readonly schedulesPerSecond: number;
  readonly eventsPerRun: number;
  readonly microsecondsPerRun: number;
}

/** A series of sizes and the line through them: µs per run = fixed + perEvent × events. */
export interface CostFit {
  readonly world: WorldName;
  readonly points: readonly SizePoint[];
  readonly fixedMicroseconds: number;
  readonly microsecondsPerEvent: number;
}

/** The least-squares line through (events per run, µs per run). */
export function fitCost(world: WorldName, points: readonly SizePoint[]): CostFit {
  const count = points.length;
  const meanEvents = points.reduce((sum, point) => sum + point.eventsPerRun, 0) / count;
  const meanMicroseconds = points.reduce((sum, point) => sum + point.microsecondsPerRun, 0) / count;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.eventsPerRun - meanEvents) * (point.microsecondsPerRun - meanMicroseconds);
    variance += (point.eventsPerRun - meanEvents) ** 2;
  }
  const microsecondsPerEvent = variance === 0 ? 0 : covariance / variance;
  return { world, points, fixedMicroseconds: meanMicroseconds - microsecondsPerEvent * meanEvents, microsecondsPerEvent };
}

type Fastest = <T extends Timed>(measure: () => Promise<T>) => Promise<T>;

/** Sizes the fit is made over, and how many schedules each measures. */
const sizes = [
  { clients: 2, schedules: 3_000 },
  { clients: 3, schedules: 3_000 },
  { clients: 8, schedules: 1_000 },
  { clients: 20, schedules: 400 },
];

/** Measures the harness, the equal world and the default world at each size, and fits each series. */
export async function measureCostFits(seed: number, fastestOf: Fastest): Promise<CostFit[]> {
  const equal = equalWorldPins();
  const series: { world: WorldName; measure: (clients: number, schedules: number) => Promise<Timed & { schedules: number; eventsPerRun: number }> }[] = [
    { world: 'harness', measure: (clients, schedules) => runBaseline({ clients, schedules, seed }) },
    { world: 'rtc-sim, equal world', measure: (clients, schedules) => runRtcSim({ clients, schedules, seed, pins: equal }) },
    { world: 'rtc-sim, default world', measure: (clients, schedules) => runRtcSim({ clients, schedules, seed }) },
  ];
  // Size by size, the three series one after another, so that a change in the machine's load weighs on all.
  const points: SizePoint[][] = series.map(() => []);
  for (const size of sizes) {
    for (const [index, { measure }] of series.entries()) {
      const measured = await fastestOf(() => measure(size.clients, size.schedules));
      const microsecondsPerRun = (spentMs(measured) * 1000) / measured.schedules;
      points[index]?.push({ clients: size.clients, schedulesPerSecond: 1e6 / microsecondsPerRun, eventsPerRun: measured.eventsPerRun, microsecondsPerRun });
    }
  }
  return series.map(({ world }, index) => fitCost(world, points[index] ?? []));
}

/** The fits as a table: per size µs per run (events), then fixed µs per run and µs per event. */
export function describeCostFits(fits: readonly CostFit[]): string {
  const header = `${'world'.padEnd(24)} | ${sizes.map((size) => `${size.clients} clients: µs/run (events)`.padStart(27)).join(' | ')} | fixed µs/run | µs/event`;
  const lines = fits.map((fit) =>
    [
      fit.world.padEnd(24),
      ...fit.points.map((point) => `${point.microsecondsPerRun.toFixed(0)} (${point.eventsPerRun.toFixed(1)})`.padStart(27)),
      fit.fixedMicroseconds.toFixed(0).padStart(12),
      fit.microsecondsPerEvent.toFixed(2).padStart(8),
    ].join(' | '),
  );
  return [header, ...lines].join('\n');
}
