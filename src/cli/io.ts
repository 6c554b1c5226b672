import { signalVerdict } from '../supervisor-signal.ts';
import pc from 'picocolors';
import { createProgress, type Progress, type ProgressSink } from '../report/progress.ts';
import type { Painter } from '../report/timeline.ts';

/** A sweep underway, as an interruption reports it (kept up to date by `sweepProgress` in io.ts). */
export interface SweepUnderway {
  readonly firstSeed: number;
  readonly runsTotal: number;
  runsDone: number;
  /** How many seeds from `firstSeed` on ran and passed without a gap (workers may finish out of order). */
  seedsPassed: number;
}

/** A failure found by the command underway, before its report is printed (while it is being shrunk). */
export interface FailureUnderway {
  readonly seed: number;
  readonly property: string;
  /** The decision file of the failing run as found, once saved. */
  file: string | undefined;
  /** Saves the decision file when it is not yet (a pool thread found the failure and it was not replayed yet). */
  readonly save?: () => Promise<string | undefined>;
}

/** What the command underway leaves for an interruption: its sweep, its failure, and how to restore the terminal line. */
export interface CommandUnderway {
  sweep: SweepUnderway | undefined;
  restoreTerminal: (() => void) | undefined;
  failure?: FailureUnderway | undefined;
  /** Set by the interruption: the command prints nothing more, the interruption ends the process. */
  interrupted?: boolean;
}

/** Where the CLI writes, so that tests can run it in-process. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether colours are wanted: a TTY, and NO_COLOR unset. */
  readonly colour: boolean;
  /** The working directory paths are resolved against. */
  readonly cwd: string;
  /** Raw writes to the status stream (stderr), for a progress bar redrawn in place; none: no progress. */
  readonly status?: (text: string) => void;
  /** Whether the status stream is a terminal (a bar) rather than a log (plain lines every few seconds). */
  readonly statusIsTerminal?: boolean;
  /** Wall-clock milliseconds, for progress rates; the CLI's clock, never the model's. */
  readonly now?: () => number;
  /** The CI job summary file (`GITHUB_STEP_SUMMARY`) that check and examples append Markdown to. */
  readonly stepSummaryPath?: string;
  /** Where a command leaves what an interruption (Ctrl-C) reports; none: nothing listens for signals. */
  readonly underway?: CommandUnderway;
}

/** The process's own terminal. */
export function processIo(): Io {
  const stepSummaryPath = process.env['GITHUB_STEP_SUMMARY'];
  watchClosing(process.stdout);
  watchClosing(process.stderr);
  return {
    out: (text) => writeOpen(process.stdout, `${text}\n`),
    err: (text) => writeOpen(process.stderr, `${text}\n`),
    colour: process.stdout.isTTY === true && !('NO_COLOR' in process.env),
    cwd: process.cwd(),
    status: (text) => writeOpen(process.stderr, text),
    statusIsTerminal: process.stderr.isTTY === true,
    now: () => performance.now(),
    ...(stepSummaryPath === undefined || stepSummaryPath === '' ? {} : { stepSummaryPath }),
  };
}

/** Where a sweep's progress goes for this Io, or undefined when it has nowhere to go (tests, `--json`). */
export function progressSinkFor(io: Io): ProgressSink | undefined {
  if (io.status === undefined) return undefined;
  return { terminal: io.statusIsTerminal === true, write: io.status, line: io.err, now: io.now ?? (() => performance.now()) };
}

/** What a sweep of `runsTotal` seeds from `firstSeed` is told of its progress. */
export interface SweepProgressOptions {
  readonly firstSeed: number;
  readonly runsTotal: number;
  /** `--json`: no progress display, but an interruption still reports the runs done. */
  readonly json: boolean;
}

/**
 * The progress of a sweep: shown on the status stream (not with `--json`), and kept where an interruption
 * finds it (runs done, seeds passed), until `finish()`.
 */
export function sweepProgress(io: Io, options: SweepProgressOptions): Progress {
  const sink = options.json ? undefined : progressSinkFor(io);
  const display = sink === undefined ? undefined : createProgress({ runsTotal: options.runsTotal, sink });
  const underway = io.underway;
  const sweep = { firstSeed: options.firstSeed, runsTotal: options.runsTotal, runsDone: 0, seedsPassed: 0 };
  if (underway !== undefined) {
    underway.sweep = sweep;
    underway.restoreTerminal = () => display?.finish();
  }
  return {
    update(runsDone, seedsPassed) {
      sweep.runsDone = runsDone;
      sweep.seedsPassed = seedsPassed ?? runsDone;
      display?.update(runsDone);
    },
    finish() {
      display?.finish();
      if (underway?.sweep === sweep) {
        underway.sweep = undefined;
        underway.restoreTerminal = undefined;
      }
    },
  };
}

/** The standard streams that have been closed under us (EPIPE: the reader of a pipe went away). */
const closedStreams = new WeakSet<NodeJS.WriteStream>();

/**
 * Writes to a standard stream unless its reader has gone: `check … | head -1` closes stdout after one line,
 * and the rest of the report is then dropped quietly; the run still ends with its verdict's exit code.
 */
function writeOpen(stream: NodeJS.WriteStream, text: string): void {
  if (!closedStreams.has(stream)) stream.write(text);
}

const watchedStreams = new WeakSet<NodeJS.WriteStream>();

function watchClosing(stream: NodeJS.WriteStream): void {
  if (watchedStreams.has(stream)) return;
  watchedStreams.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closedStreams.add(stream);
  });
}

/**
 * Ends the process with `code` once stdout and stderr have taken what was written to them: whatever user code
 * left open (a server socket, an interval, a database handle) cannot keep the process alive after its verdict.
 */
export async function exitProcess(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => drained(stream)));
  signalVerdict(code);
  process.exit(code);
}

function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (closedStreams.has(stream) || stream.destroyed) return Promise.resolve();
  // The callback of an empty write runs once everything written before it has been handed to the system.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** The painter for an Io: picocolors when colours are wanted, plain text otherwise. */
export function painterFor(io: Io): Painter & { green: (text: string) => string } {
  const colours = pc.createColors(io.colour);
  return { dim: colours.dim, bold: colours.bold, red: colours.red, green: colours.green };
}
