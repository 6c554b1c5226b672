// `npm run bench:crypto`: schedules per second with symbolic and with real (WebCrypto) session encryption.
// A benchmark, not a test: it prints the slowdown and asserts nothing.
import { sweep } from '../src/explore/sweep.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromModule } from '../src/providers/source.ts';
import { packageRoot } from '../src/package-root.ts';

const runs = Number(process.env['CRYPTO_BENCH_RUNS'] ?? 300);
const compiled = await loadProviderModule(`${packageRoot}examples/providers/good-store-backed-dynamic.ts`);
if (!compiled.ok) throw new Error(compiled.error.message);
const source = sourceFromModule(compiled.value);

/** Schedules per second for one crypto mode, over the same seeds. */
async function schedulesPerSecond(crypto: 'symbolic' | 'real'): Promise<number> {
  await sweep({ source, runs: 20, seed: 1, pins: { crypto, faultMode: 'never' } });
  const started = performance.now();
  const report = await sweep({ source, runs, seed: 1_000, pins: { crypto, faultMode: 'never' } });
  if (report.verdict !== 'pass') throw new Error(`unexpected failure in ${crypto} mode: ${report.failure?.message}`);
  return runs / ((performance.now() - started) / 1000);
}

const symbolic = await schedulesPerSecond('symbolic');
const real = await schedulesPerSecond('real');
console.log(`3 clients, ${runs} schedules each, good-store-backed-dynamic provider`);
console.log(`symbolic: ${Math.round(symbolic)} schedules/s`);
console.log(`real:     ${Math.round(real)} schedules/s (PBKDF2-SHA-512 × 10,000 per wrap and unwrap)`);
console.log(`slowdown of real vs symbolic: ${(symbolic / real).toFixed(1)}×`);
