// One sweep of a provider module, timed by CPU: `node bin/run-ts.mjs bench/sweep-provider.ts PROVIDER.ts [SCHEDULES] [equal]`.
import { resolve } from 'node:path';
import { equalWorldPins } from './equal-world.ts';
import { runRtcSim } from './rtc-sim-throughput.ts';

const [providerPath = 'examples/providers/good-store-backed-dynamic.ts', schedulesText = '4000', world] = process.argv.slice(2);
const result = await runRtcSim({ clients: 3, schedules: Number(schedulesText), seed: 1, sampledRuns: 0, providerPath: resolve(providerPath), pins: world === 'equal' ? equalWorldPins() : {} });
console.log(`${result.schedules} schedules in ${result.elapsedMs.toFixed(0)} ms (${result.cpuMs.toFixed(0)} ms of CPU) (${result.verdict})`);
