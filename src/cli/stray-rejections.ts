import { describeThrown } from '../errors.ts';
import { isSandboxPromise } from '../providers/sandbox.ts';
import { signalVerdict } from '../supervisor-signal.ts';

/**
 * Catches promise rejections nobody handled. One that belongs to provider code (a promise of its sandbox) is
 * the provider's stray rejection: counted and reported at the end, never a crash — in a browser it would be
 * an error in the console, not a broken session. Any other is an rtc-sim bug: reported and exit 70.
 * Node reports rejections after the fact, so the run and client that left it cannot be named.
 */
export function watchStrayRejections(writeError: (text: string) => void): { summary(): string | undefined } {
  let count = 0;
  let first = '';
  const handledLate = collapseLateHandledWarnings();
  process.on('unhandledRejection', (reason, promise) => {
    if (isSandboxPromise(promise)) {
      if (count++ === 0) first = describeThrown(reason);
      return;
    }
    writeError(`rtc-sim internal error (please report it): an unhandled rejection: ${describeThrown(reason)}`);
    signalVerdict(70);
    process.exit(70);
  });
  return {
    summary: () => {
      const lines = [
        ...(count === 0 ? [] : [`warning: provider code left ${count} promise rejection${count === 1 ? '' : 's'} unhandled (the first: ${first}); in a browser each is an error in the console`]),
        ...(handledLate() === 0 ? [] : [`warning: ${handledLate()} promise rejection${handledLate() === 1 ? ' was' : 's were'} handled only after Node had taken ${handledLate() === 1 ? 'it' : 'them'} for unhandled (PromiseRejectionHandledWarning; a handler that rejects before its first await does this)`]),
      ];
      return lines.length === 0 ? undefined : lines.join('\n');
    },
  };
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
