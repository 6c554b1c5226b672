import pc from 'picocolors';
import type { Painter } from '../report/timeline.ts';

/** Where the CLI writes, so that tests can run it in-process. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether colours are wanted: a TTY, and NO_COLOR unset. */
  readonly colour: boolean;
  /** The working directory paths are resolved against. */
  readonly cwd: string;
}

/** The process's own terminal. */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    colour: process.stdout.isTTY === true && !('NO_COLOR' in process.env),
    cwd: process.cwd(),
  };
}

/** The painter for an Io: picocolors when colours are wanted, plain text otherwise. */
export function painterFor(io: Io): Painter & { green: (text: string) => string } {
  const colours = pc.createColors(io.colour);
  return { dim: colours.dim, bold: colours.bold, red: colours.red, green: colours.green };
}
