// One large run, for `node --cpu-prof bin/run-ts.mjs bench/profile-large.ts [clients] [documents]`.
import { drawConfig } from '../src/config/swarm.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromModule } from '../src/providers/source.ts';
import { simulate } from '../src/simulate.ts';
import { packageRoot } from '../src/package-root.ts';

const clients = Number(process.argv[2] ?? 10_000);
const documents = Number(process.argv[3] ?? 1);
const compiled = await loadProviderModule(`${packageRoot}examples/providers/good-store-backed-dynamic.ts`);
if (!compiled.ok) throw new Error(compiled.error.message);
const started = performance.now();
const pins = process.env['SWARM'] === '1' ? { clients, documents } : ({ clients, documents, strategy: 'random', faultMode: 'never' } as const);
const config = drawConfig(1, pins);
console.log(JSON.stringify({ strategy: config.strategy, faults: config.faults, arrivalSpreadMs: config.arrivalSpreadMs }));
const result = await simulate({ config, source: sourceFromModule(compiled.value) });
const elapsedMs = performance.now() - started;
console.log(`${clients} clients × ${documents} documents: ${result.steps} events in ${elapsedMs.toFixed(0)} ms = ${Math.round(result.steps / (elapsedMs / 1000))} events/s (${result.outcome.kind})`);
