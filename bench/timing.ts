// What the bench's throughput rows are timed by. On a machine shared with other work, real time measures the
// load as much as the code; the process's own CPU time (user + system, all its threads) varies far less, so it
// is the default; `--real-time` times by the wall clock instead, as the bench did before 2026-12-05.

/** The time basis of this bench run. */
export const timeBasis: 'cpu' | 'real' = process.argv.includes('--real-time') ? 'real' : 'cpu';

/** A measurement's real time, and its CPU time when it took it. */
export interface Timed {
  readonly elapsedMs: number;
  readonly cpuMs?: number;
}

/** The time a measurement is judged by: its CPU time on the CPU basis (when it has one), else its real time. */
export function spentMs(measured: Timed): number {
  return timeBasis === 'cpu' && measured.cpuMs !== undefined ? measured.cpuMs : measured.elapsedMs;
}

/** CPU milliseconds (user + system) this process used since `before`. */
export function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}
