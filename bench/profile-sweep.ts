// Runs only the 3-client rtc-sim sweep, for `node --cpu-prof bin/run-ts.mjs bench/profile-sweep.ts [SCHEDULES] [equal]`
// (`equal`: the equal world of bench/equal-world.json rather than the default swarm worlds).
import { equalWorldPins } from './equal-world.ts';
import { runRtcSim } from './rtc-sim-throughput.ts';

const schedules = Number(process.argv[2] ?? 5_000);
const pins = process.argv[3] === 'equal' ? equalWorldPins() : {};
const cpuBefore = process.cpuUsage();
const result = await runRtcSim({ clients: 3, schedules, seed: 1, sampledRuns: 0, pins });
// CPU time as well as real time: on a machine shared with other work, the process's own CPU time varies less.
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(`${result.schedules} schedules in ${result.elapsedMs.toFixed(0)} ms (${cpuMs.toFixed(0)} ms of CPU): ${((result.schedules / result.elapsedMs) * 1000).toFixed(0)} schedules/s (${result.verdict})`);
