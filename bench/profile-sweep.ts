// Runs only the 3-client rtc-sim sweep, for `node --cpu-prof bin/run-ts.mjs bench/profile-sweep.ts [SCHEDULES]`.
import { runRtcSim } from './rtc-sim-throughput.ts';

const schedules = Number(process.argv[2] ?? 5_000);
const result = await runRtcSim({ clients: 3, schedules, seed: 1, sampledRuns: 0 });
console.log(`${result.schedules} schedules in ${result.elapsedMs.toFixed(0)} ms: ${((result.schedules / result.elapsedMs) * 1000).toFixed(0)} schedules/s (${result.verdict})`);
