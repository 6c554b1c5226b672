import { describeThrown } from '../errors.ts';
import { sandboxOfPromise } from '../providers/sandbox.ts';
import type { SandboxMachine } from '../providers/sandbox-helpers.ts';
import { signalVerdict } from '../supervisor-signal.ts';

/**
 * Catches promise rejections nobody handled. One that belongs to provider or backend code (a promise of its
 * sandbox, which tells the kind of machine) is that code's stray rejection: counted and reported at the end, never a crash — in a browser it would be
 * an error in the console, not a broken session. Any other is an rtc-sim bug: reported and exit 70.
 * Node reports rejections after the fact, so the run and client that left it cannot be named.
 */
export function watchStrayRejections(writeError: (text: string) => void): { summary(): string | undefined } {
  // Per kind of machine whose sandbox made the promise: a browser's provider, a server's backend.
  const stray = new Map<SandboxMachine, { count: number; readonly first: string }>();
  const handledLate = collapseLateHandledWarnings();
  process.on('unhandledRejection', (reason, promise) => {
    const machine = sandboxOfPromise(promise);
    if (machine !== undefined) {
      const seen = stray.get(machine);
      if (seen === undefined) stray.set(machine, { count: 1, first: describeThrown(reason) });
      else seen.count++;
      return;
    }
    writeError(`rtc-sim internal error (please report it): an unhandled rejection: ${describeThrown(reason)}`);
    signalVerdict(70);
    process.exit(70);
  });
  return {
    summary: () => {
      const lines = [
        ...(['browser', 'server'] as const).flatMap((machine) => {
          const seen = stray.get(machine);
          return seen === undefined ? [] : [strayRejectionsWarning(machine, seen.count, seen.first)];
        }),
        ...(handledLate() === 0 ? [] : [`warning: ${handledLate()} promise rejection${handledLate() === 1 ? ' was' : 's were'} handled only after Node had taken ${handledLate() === 1 ? 'it' : 'them'} for unhandled (PromiseRejectionHandledWarning; a handler that rejects before its first await does this)`]),
      ];
      return lines.length === 0 ? undefined : lines.join('\n');
    },
  };
}

/** The end-of-command line for `count` rejections the code of one kind of machine left unhandled. */
export function strayRejectionsWarning(machine: SandboxMachine, count: number, first: string): string {
  const whose = machine === 'browser' ? 'provider code' : 'backend code';
  const where = machine === 'browser' ? 'in a browser each is an error in the console' : 'in a Node server each is an unhandledRejection, which ends the process by default';
  return `warning: ${whose} left ${count} promise rejection${count === 1 ? '' : 's'} unhandled (the first: ${first}); ${where}`;
}

/**
 * Node prints one PromiseRejectionHandledWarning per rejection handled late — a flood of a hundred lines from
 * a backend handler that rejects before its first await. They are counted instead, for one line at the end;
 * every other warning is printed by Node's own printers as before.
 */
export function collapseLateHandledWarnings(): () => number {
  let count = 0;
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'PromiseRejectionHandledWarning') count++;
    else for (const printer of printers) printer(warning);
  });
  return () => count;
}
