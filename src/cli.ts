import { describeThrown } from './errors.ts';
import { main } from './cli/main.ts';
import { processIo } from './cli/io.ts';

// The entry point: everything a user can get wrong is handled inside main(); what escapes is an rtc-sim bug.
try {
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (error) {
  process.stderr.write(`rtc-sim internal error (please report it): ${describeThrown(error)}\n`);
  process.exitCode = 70;
}
