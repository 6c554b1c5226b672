import { relative } from 'node:path';
import { packageRoot } from '../package-root.ts';
import { exitProcess, type CommandUnderway, type Io, type SweepUnderway } from './io.ts';
import { shellWord } from './options.ts';

/** The signals a user stops a run with, and the exit codes a shell gives them (128 + the signal's number). */
const interruptions = { SIGINT: 130, SIGTERM: 143 } as const;

/** The signals handled here. */
export type InterruptSignal = keyof typeof interruptions;

/**
 * On Ctrl-C (SIGINT) or SIGTERM: restores the terminal line the progress bar was drawn on, prints what was
 * done (one line on stderr, or with `--json` a partial report on stdout) and exits with 130 or 143.
 */
export function exitOnInterrupt(argv: readonly string[], io: Io & { readonly underway: CommandUnderway }): void {
  let exiting = false;
  for (const signal of Object.keys(interruptions) as InterruptSignal[]) {
    // A terminal's Ctrl-C reaches this process twice (directly and forwarded by the supervisor): the first ends it.
    process.on(signal, () => {
      if (exiting) return;
      exiting = true;
      io.underway.restoreTerminal?.();
      const report = interruptionReport(signal, io.underway.sweep, argv, io.cwd);
      if (argv.includes('--json')) io.out(JSON.stringify(report.json));
      else io.err(report.text);
      void exitProcess(interruptions[signal]);
    });
  }
}

/** What an interruption reports, as a line of text and as a partial JSON report. */
export function interruptionReport(signal: InterruptSignal, sweep: SweepUnderway | undefined, argv: readonly string[], cwd: string): { text: string; json: object } {
  if (sweep === undefined) {
    return { text: `interrupted by ${signal} before the verdict`, json: { interrupted: true, signal, verdict: 'interrupted' } };
  }
  const nextSeed = sweep.firstSeed + sweep.seedsPassed;
  const runsLeft = sweep.runsTotal - sweep.seedsPassed;
  const resume = resumeCommandLine(argv, cwd, nextSeed, runsLeft);
  const count = (value: number): string => value.toLocaleString('en-US');
  const passed = sweep.seedsPassed === 0 ? 'no seed finished yet' : `seeds ${sweep.firstSeed}…${nextSeed - 1} passed`;
  const text = `interrupted by ${signal} after ${count(sweep.runsDone)} of ${count(sweep.runsTotal)} runs, no failure so far (${passed}); resume with: ${resume}`;
  const json = {
    interrupted: true,
    signal,
    verdict: 'interrupted',
    runs: sweep.runsDone,
    runsTotal: sweep.runsTotal,
    seed: sweep.firstSeed,
    seedsPassed: sweep.seedsPassed,
    resume,
  };
  return { text, json };
}

/** Options that the resume line sets itself: the range of seeds (a shard's slice becomes a plain range). */
const rangeOptions = new Set(['--seed', '--runs', '--shard']);

/** The command line that runs the seeds not yet passed: the same arguments, the range replaced. */
export function resumeCommandLine(argv: readonly string[], cwd: string, nextSeed: number, runsLeft: number): string {
  const kept: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? '';
    if (rangeOptions.has(word)) index++;
    else if (!rangeOptions.has(word.split('=')[0] ?? '')) kept.push(word);
  }
  const cli = relative(cwd, `${packageRoot}bin/rtc-sim.js`);
  return ['node', cli, ...kept, '--seed', String(nextSeed), '--runs', String(runsLeft)].map(shellWord).join(' ');
}
