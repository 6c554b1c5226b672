import { describeThrown } from './errors.ts';
import { main } from './cli/main.ts';
import { exitProcess, processIo } from './cli/io.ts';
import { exitOnInterrupt } from './cli/interrupt.ts';
import type { CommandUnderway } from './cli/io.ts';
import { heldHandles, leftOpenWarning } from './cli/left-open.ts';
import { watchStrayRejections } from './cli/stray-rejections.ts';

// The entry point: everything a user can get wrong is handled inside main(); what escapes is an rtc-sim bug.
const argv = process.argv.slice(2);
const underway: CommandUnderway = { sweep: undefined, restoreTerminal: undefined };
const io = { ...processIo(), underway };
const strays = watchStrayRejections(io.err);
exitOnInterrupt(argv, io);
const heldBefore = heldHandles();
let code: number;
try {
  code = await main(argv, io);
} catch (error) {
  io.err(`rtc-sim internal error (please report it): ${describeThrown(error)}`);
  code = 70;
}
// Rejections are reported after a turn of the event loop: give the last ones one before summing up. A few
// more turns let work that ends by itself (an injected request's last setImmediate) end before handles count.
for (let turn = 0; turn < 4; turn++) await new Promise((resolve) => setImmediate(resolve));
const summary = strays.summary();
if (summary !== undefined) io.err(summary);
const leftOpen = leftOpenWarning(heldBefore, argv.includes('--backend') || argv.some((argument) => argument.startsWith('--backend=')));
if (leftOpen !== undefined) io.err(leftOpen);
// The verdict ends the process, whatever handles provider code or its packages left open.
await exitProcess(code);
