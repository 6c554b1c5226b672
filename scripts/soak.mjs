#!/usr/bin/env node
// The long sweep that is too slow for `npm test`: every good example over many seeds, with faults sometimes
// and always, through the CLI and its pool workers. A good example that fails is a false alarm — a bug in
// rtc-sim's model — and this exits 1 with the CLI's report of it. `npm run soak [-- RUNS [FIRST_SEED]]`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const runs = process.argv[2] ?? '300000';
const seed = process.argv[3] ?? '100000';
const examples = readdirSync(`${root}examples/providers`).filter((name) => name.startsWith('good-')).sort();
let failed = 0;
for (const name of examples) {
  for (const faults of ['sometimes', 'always']) {
    const started = performance.now();
    const argv = ['bin/rtc-sim.js', 'check', `examples/providers/${name}`, '--runs', runs, '--seed', seed, '--faults', faults, '--json'];
    const result = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    if (result.status === 0) {
      console.log(`pass  ${name} --faults ${faults}: ${runs} runs from seed ${seed} (${seconds} s)`);
      continue;
    }
    failed++;
    let summary = result.stderr.trim();
    let replay = '';
    try {
      const { failure } = JSON.parse(result.stdout);
      summary = `${failure.property} at seed ${failure.seed}: ${failure.message}`;
      replay = failure.replay;
    } catch {
      // Not a JSON report: the CLI's own error text (stderr) says what went wrong.
    }
    console.log(`FAIL  ${name} --faults ${faults} (exit ${result.status}): ${summary}`);
    if (replay) console.log(`      replay: ${replay}`);
  }
}
console.log(failed === 0 ? 'every good example held' : `${failed} false alarm(s): rtc-sim's model needs a fix`);
process.exitCode = failed === 0 ? 0 : 1;
