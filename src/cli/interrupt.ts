import { relative } from 'node:path';
import { packageRoot } from '../package-root.ts';
import { exitProcess, type CommandUnderway, type FailureUnderway, type Io, type SweepUnderway } from './io.ts';
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
      io.underway.interrupted = true;
      io.underway.restoreTerminal?.();
      void savedFailure(io.underway.failure).then((failure) => {
        const report = interruptionReport(signal, io.underway.sweep, argv, io.cwd, failure);
        if (argv.includes('--json')) io.out(JSON.stringify(report.json));
        else io.err(report.text);
        return exitProcess(interruptions[signal]);
      });
    });
  }
}

// Replaying a failure found by a pool thread takes a run or two; an interruption waits this long at most for it.
const saveWaitMs = 5_000;

/** The failure underway with its decision file saved, if it can be within `saveWaitMs`. */
async function savedFailure(failure: FailureUnderway | undefined): Promise<FailureUnderway | undefined> {
  if (failure === undefined || failure.file !== undefined || failure.save === undefined) return failure;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), saveWaitMs)));
  try {
    failure.file = await Promise.race([failure.save(), late]);
  } catch {
    failure.file = undefined;
  } finally {
    clearTimeout(timer);
  }
  return failure;
}

/** What an interruption reports, as a line of text and as a partial JSON report. */
export function interruptionReport(signal: InterruptSignal, sweep: SweepUnderway | undefined, argv: readonly string[], cwd: string, failure?: FailureUnderway): { text: string; json: object } {
  if (failure !== undefined) return failureInterrupted(signal, sweep, argv, cwd, failure);
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

/**
 * An interruption after a failure was found (while it is shrunk, or while lower seeds still run in a pool):
 * the failing seed, its decision file and how to replay it, and a resume line that continues after it.
 */
function failureInterrupted(signal: InterruptSignal, sweep: SweepUnderway | undefined, argv: readonly string[], cwd: string, failure: FailureUnderway): { text: string; json: object } {
  const range = sweepRange(argv, sweep);
  const resume = resumeCommandLine(argv, cwd, failure.seed + 1, Math.max(0, range.firstSeed + range.runsTotal - failure.seed - 1));
  const file = failure.file === undefined ? undefined : relative(cwd, failure.file).startsWith('..') ? failure.file : relative(cwd, failure.file);
  const replay = file === undefined ? undefined : `node ${shellWord(relative(cwd, `${packageRoot}bin/rtc-sim.js`))} replay --file ${shellWord(file)}`;
  const saved = file === undefined ? 'its decision file could not be saved in time' : `saved: ${file}; replay it with: ${replay}`;
  const text = `interrupted by ${signal}: seed ${failure.seed} failed (${failure.property}), not yet shrunk; ${saved}; resume the sweep after it with: ${resume}`;
  const json = { interrupted: true, signal, verdict: 'fail', failure: { property: failure.property, seed: failure.seed, shrunk: false, ...(file === undefined ? {} : { file, replayFile: replay }) }, resume };
  return { text, json };
}

/** The sweep's range: from the sweep underway, else from the command line (the sweep ended; shrinking runs). */
function sweepRange(argv: readonly string[], sweep: SweepUnderway | undefined): { firstSeed: number; runsTotal: number } {
  if (sweep !== undefined) return { firstSeed: sweep.firstSeed, runsTotal: sweep.runsTotal };
  const value = (flag: string, fallback: number): number => {
    const index = argv.findIndex((word) => word === flag || word.startsWith(`${flag}=`));
    const word = index < 0 ? undefined : argv[index]?.includes('=') ? argv[index]?.split('=')[1] : argv[index + 1];
    const parsed = Number(word);
    return word === undefined || !Number.isSafeInteger(parsed) ? fallback : parsed;
  };
  return { firstSeed: value('--seed', 1), runsTotal: value('--runs', 2000) };
}
