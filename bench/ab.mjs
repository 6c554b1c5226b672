#!/usr/bin/env node
// Before against after, on a loaded machine: `node bench/ab.mjs BASE_ROOT [SCHEDULES] [ROUNDS]` sweeps the
// same seeds with this checkout and with another one (BASE_ROOT: a worktree of the commit before a change,
// with its own node_modules), in alternation, in the default swarm worlds and in the equal world
// (bench/equal-world.json), and prints the fastest of each and their ratio. Alternating fresh processes
// keeps both sides under the same load, and each is timed by its process's own CPU time (user + system), which
// other processes sharing the cores disturb less than real time; the ratio is what counts, not the rates.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const afterRoot = fileURLToPath(new URL('../', import.meta.url));
const [baseRoot, schedulesText = '6000', roundsText = '5'] = process.argv.slice(2);
if (baseRoot === undefined) {
  console.error('usage: node bench/ab.mjs BASE_ROOT [SCHEDULES] [ROUNDS]');
  process.exit(2);
}
const schedules = Number(schedulesText);
const rounds = Number(roundsText);

/** One sweep in a fresh process of `root`: the CPU milliseconds it took, as bench/profile-sweep.ts prints them. */
function sweepMs(root, world) {
  const argv = [`${root}/bin/run-ts.mjs`, 'bench/profile-sweep.ts', String(schedules), ...(world === 'equal' ? ['equal'] : [])];
  const result = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
  const match = /schedules in (\d+) ms \((\d+) ms of CPU\)/.exec(result.stdout);
  if (result.status !== 0 || match === null) throw new Error(`${root}: ${result.stderr || result.stdout}`);
  return Number(match[2]);
}

for (const world of ['default', 'equal']) {
  const fastest = { before: Infinity, after: Infinity };
  for (let round = 0; round < rounds; round++) {
    // Which side goes first alternates too, so that neither always follows the other.
    const order = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const side of order) fastest[side] = Math.min(fastest[side], sweepMs(side === 'before' ? baseRoot : afterRoot, world));
  }
  const rate = (ms) => Math.round((schedules / ms) * 1000).toLocaleString('en-US');
  console.log(
    `${world.padEnd(7)} world, ${schedules} schedules, fastest of ${rounds}: before ${rate(fastest.before)}/s (${((fastest.before * 1000) / schedules).toFixed(1)} CPU µs a run), ` +
      `after ${rate(fastest.after)}/s (${((fastest.after * 1000) / schedules).toFixed(1)} CPU µs a run): ×${(fastest.before / fastest.after).toFixed(3)}`,
  );
}
