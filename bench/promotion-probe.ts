// How much of a run outlives the young collections though nothing live holds it:
// `node --expose-gc bin/run-ts.mjs bench/promotion-probe.ts [RUNS] [equal] [factory] [PROVIDER.ts]` (default: the
// good store-backed provider). After a full collection,
// RUNS runs; then two young collections (scavenges), then a full one. What the scavenges kept and the full
// collection freed was garbage promoted to the old generation — copied twice, then marked and swept — which is
// what made the collector ~40 % of a default run (a literal with a getter per run kept each world; see
// World's host context). Five rounds, each printed.
import { resolve } from 'node:path';
import v8 from 'node:v8';
import { drawConfig } from '../src/config/swarm.ts';
import { simulate } from '../src/simulate.ts';
import { goodProviderSource } from './rtc-sim-throughput.ts';
import { equalWorldPins } from './equal-world.ts';

const runs = Number(process.argv[2] ?? 200);
const options = new Set(process.argv.slice(3));
const pins = options.has('equal') ? { ...equalWorldPins(), clients: 3 } : { clients: 3 };
const providerPath = process.argv.slice(3).find((argument) => argument.endsWith('.ts') || argument.endsWith('.js'));
const source = await goodProviderSource(options.has('factory') ? 'factory' : 'module', providerPath === undefined ? undefined : resolve(providerPath));
const gc = (globalThis as { gc?: (options?: { type: string }) => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const oldSpaceKb = (): number => (v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0) / 1024;
const usedKb = (): number => process.memoryUsage().heapUsed / 1024;
let seed = 1;
const batch = async (count: number): Promise<void> => {
  for (let index = 0; index < count; index++) await simulate({ config: drawConfig(seed++, pins), source });
};
await batch(1_000);
for (let round = 0; round < 5; round++) {
  gc();
  gc();
  const base = usedKb();
  const baseOld = oldSpaceKb();
  await batch(runs);
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  const afterYoung = usedKb();
  const oldGrowth = oldSpaceKb() - baseOld;
  gc();
  const afterFull = usedKb();
  console.log(
    `${runs} runs: after two scavenges ${(afterYoung - base).toFixed(0)} KB above the start (old space +${oldGrowth.toFixed(0)} KB), ` +
      `after a full collection ${(afterFull - base).toFixed(0)} KB: ${((afterYoung - afterFull) / runs).toFixed(1)} KB a run promoted and dead`,
  );
}
