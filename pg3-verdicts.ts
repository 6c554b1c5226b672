// Quick verdict finder: node bin/run-ts.mjs /tmp/pg3-verdicts.ts stack/file.ts ... [--database pglite]
import { sweep } from './src/explore/sweep.ts';
import { loadProviderSource } from './src/load-provider-source.ts';
const dir = '/work/wt/pg3/examples/stacks/';
const args = process.argv.slice(2);
const pglite = args.includes('--pglite');
for (const name of args.filter((a) => !a.startsWith('--'))) {
  const stack = name.split('/')[0];
  const started = performance.now();
  const loaded = await loadProviderSource(`${dir}${stack}/provider.ts`, undefined, `${dir}${name}`);
  if (!loaded.ok) { console.log(name, 'LOAD ERROR', loaded.error.message); continue; }
  const report = await sweep({ source: loaded.value, runs: 100, seed: 1, pins: pglite ? { database: 'pglite' } : {} });
  console.log(name, loaded.value.backend?.database, report.verdict, report.failure?.property, report.failure?.seed, `${((performance.now() - started) / 1000).toFixed(1)}s`);
}
process.exit(0);
