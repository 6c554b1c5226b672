import pc from 'picocolors';
import type { ProgressSink } from '../report/progress.ts';
import type { Painter } from '../report/timeline.ts';

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
}

/** The process's own terminal. */
export function processIo(): Io {
  const stepSummaryPath = process.env['GITHUB_STEP_SUMMARY'];
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    colour: process.stdout.isTTY === true && !('NO_COLOR' in process.env),
    cwd: process.cwd(),
    status: (text) => process.stderr.write(text),
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

/** The painter for an Io: picocolors when colours are wanted, plain text otherwise. */
export function painterFor(io: Io): Painter & { green: (text: string) => string } {
  const colours = pc.createColors(io.colour);
  return { dim: colours.dim, bold: colours.bold, red: colours.red, green: colours.green };
}
