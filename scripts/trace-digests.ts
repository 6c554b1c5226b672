// Digests of sampled runs, to prove a performance change left every trace byte-identical:
// `node bin/run-ts.mjs scripts/trace-digests.ts OUT.txt [SEEDS_PER_WORLD]` before and after, then
// `diff before.txt after.txt` (or `… --compare before.txt after.txt`). For each example and world below, seeds
// spread over a wide range run recorded (the trace document's JSON is hashed) and unrecorded (outcome and
// steps, what a sweep sees) in one process, one after another, so that state leaking from run to run shows too.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { SwarmSettings } from '../src/config/run-config.ts';
import { drawWorld, outcomeSignature } from '../src/explore/sweep.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromModule, type ProviderSource } from '../src/providers/source.ts';
import { stringifyTraceJson, toTraceJson } from '../src/report/trace-json.ts';
import { simulate } from '../src/simulate.ts';
import { packageRoot } from '../src/package-root.ts';

const examples = [
  'good-store-backed-dynamic.ts',
  'good-derived-key.ts',
  'good-idempotent-retry.ts',
  'buggy-unawaited-write.ts',
  'buggy-discard-previous-key.ts',
  'buggy-fresh-key-on-retry.ts',
  // The page's timers, storage and retention horizons of years (the browser's examples).
  'good-local-storage-write-through.ts',
  'good-race-timeout-idempotent.ts',
  'buggy-debounced-key-save.ts',
  'buggy-keys-in-local-storage.ts',
  'buggy-two-year-cryptoperiod.ts',
];
const worlds: readonly { readonly name: string; readonly pins: SwarmSettings }[] = [
  { name: 'default', pins: {} },
  { name: 'faults-always-2-6', pins: { clientsMin: 2, clientsMax: 6, faultMode: 'always' } },
  { name: 'equal', pins: { clients: 3, documents: 1, faultMode: 'never', retentionHorizonsMs: [0] } },
  // Pinned plans and clocks, as a --config file gives them: the bench's equal world, and one with faults.
  { name: 'equal-file', pins: { clients: 3, documents: 1, faults: { phaseEndMs: 0, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 }, clocks: { skewMsMax: 0, driftPpmMax: 0 }, retentionHorizonsMs: [0] } },
  {
    name: 'pinned-faults',
    pins: {
      clientsMin: 2,
      clientsMax: 4,
      faults: { phaseEndMs: 15_000, events: [{ kind: 'partition', atMs: 40, client: 'c1', healAfterMs: 3_000 }], keyStoreFailureRate: 0.05, keyStoreTimeoutRate: 0.1 },
      clocks: { skewMsMax: 2_000, driftPpmMax: 200 },
    },
  },
];

/** One line per run: example, world, seed, and the digest of what it produced. */
async function digestLines(seedsPerWorld: number): Promise<string[]> {
  const lines: string[] = [];
  for (const example of examples) {
    const loaded = await loadProviderModule(`${packageRoot}examples/providers/${example}`);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const source = sourceFromModule(loaded.value);
    for (const world of worlds) {
      for (let index = 0; index < seedsPerWorld; index++) {
        // Spread over a wide range, and every third seed in a row, so both far and neighbouring seeds run.
        const seed = index % 3 === 0 ? 1 + index : 1 + index * 7_919;
        lines.push(`${example} ${world.name} ${seed} ${await digestOf(source, example, world.pins, seed)}`);
      }
    }
  }
  return lines;
}

async function digestOf(source: ProviderSource, module: string, pins: SwarmSettings, seed: number): Promise<string> {
  const config = drawWorld(seed, pins, source);
  const recorded = await simulate({ config, source, record: true });
  const unrecorded = await simulate({ config, source });
  const text = stringifyTraceJson(toTraceJson({ module, result: recorded }));
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 24);
  return `${hash} ${recorded.steps} | ${outcomeSignature(unrecorded.outcome)} ${unrecorded.steps} ${unrecorded.endTimeMs}`;
}

const [first, second, third] = process.argv.slice(2);
if (first === '--compare' && second !== undefined && third !== undefined) {
  const before = readFileSync(second, 'utf8').trim().split('\n');
  const after = readFileSync(third, 'utf8').trim().split('\n');
  const differing = before.filter((line, index) => after[index] !== line);
  console.log(`${before.length} runs before, ${after.length} after; ${differing.length} differ`);
  for (const line of differing.slice(0, 20)) console.log(`  before: ${line}`);
  process.exitCode = differing.length === 0 && before.length === after.length ? 0 : 1;
} else if (first !== undefined) {
  const started = performance.now();
  const lines = await digestLines(Number(second ?? 60));
  writeFileSync(first, `${lines.join('\n')}\n`);
  console.log(`${lines.length} runs digested into ${first} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} else {
  console.error('usage: node bin/run-ts.mjs scripts/trace-digests.ts OUT.txt [SEEDS_PER_WORLD] | --compare BEFORE.txt AFTER.txt');
  process.exitCode = 2;
}
