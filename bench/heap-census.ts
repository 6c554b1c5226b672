// Writes a heap snapshot in the middle of a large run and prints the object kinds holding the most memory:
// `tsx bench/heap-census.ts [CLIENTS] [STEP]`. For finding what a large run keeps per client, not a benchmark.
import { readFileSync, writeFileSync } from 'node:fs';
import { getHeapSnapshot } from 'node:v8';
import { drawConfig } from '../src/config/swarm.ts';
import { createStrategy } from '../src/explore/strategies.ts';
import { RandomStreams } from '../src/kernel/random.ts';
import { simulate } from '../src/simulate.ts';
import { collectGarbage } from './large-run.ts';
import { goodProviderSource } from './rtc-sim-throughput.ts';

const clients = Number(process.argv[2] ?? 10_000);
const atStep = Number(process.argv[3] ?? 20_000);
const path = '/tmp/rtc-sim-census.heapsnapshot';
const source = await goodProviderSource('module');
const config = drawConfig(1, { clients, documents: 1, eventsMax: 5_000_000 });
const inner = createStrategy(config, new RandomStreams(config.seed));
await simulate({
  config,
  source,
  strategy: {
    name: 'census',
    choose(enabled, context) {
      if (context.step === atStep) {
        collectGarbage();
        const chunks: Buffer[] = [];
        const stream = getHeapSnapshot();
        for (let chunk = stream.read(); chunk !== null; chunk = stream.read()) chunks.push(chunk as Buffer);
        writeFileSync(path, Buffer.concat(chunks));
      }
      return inner.choose(enabled, context);
    },
  },
});
const snapshot = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
const fields = snapshot.snapshot.meta.node_fields;
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
const types = snapshot.snapshot.meta.node_types[0];
const census = new Map<string, { count: number; bytes: number }>();
let total = 0;
for (let index = 0; index < snapshot.nodes.length; index += width) {
  const type = types[snapshot.nodes[index + typeAt!]!]!;
  const name = type === 'object' || type === 'closure' ? `${type} ${snapshot.strings[snapshot.nodes[index + nameAt!]!]}` : type;
  const size = snapshot.nodes[index + sizeAt!]!;
  total += size;
  const entry = census.get(name) ?? { count: 0, bytes: 0 };
  entry.count++;
  entry.bytes += size;
  census.set(name, entry);
}
console.log(`heap at step ${atStep} of a ${clients}-client run: ${(total / 1e6).toFixed(1)} MB in snapshot`);
for (const [name, entry] of [...census].sort((left, right) => right[1].bytes - left[1].bytes).slice(0, 45)) {
  console.log(`${(entry.bytes / 1e6).toFixed(2).padStart(8)} MB ${String(entry.count).padStart(8)}  ${name.slice(0, 90)}`);
}
