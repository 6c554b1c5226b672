import { describeThrown } from './errors.ts';
import { main } from './cli/main.ts';
import { processIo } from './cli/io.ts';
import { watchStrayRejections } from './cli/stray-rejections.ts';

// The entry point: everything a user can get wrong is handled inside main(); what escapes is an rtc-sim bug.
const strays = watchStrayRejections((text) => process.stderr.write(`${text}\n`));
try {
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (error) {
  process.stderr.write(`rtc-sim internal error (please report it): ${describeThrown(error)}\n`);
  process.exitCode = 70;
}
// Rejections are reported after a turn of the event loop: give the last ones one before summing up.
await new Promise((resolve) => setImmediate(resolve));
const summary = strays.summary();
if (summary !== undefined) process.stderr.write(`${summary}\n`);
