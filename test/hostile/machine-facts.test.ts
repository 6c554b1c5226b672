import { hostname, userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { drawWorld } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { simulatedMachineFacts } from '../../src/providers/simulated-os.ts';
import { simulate } from '../../src/simulate.ts';
import { scratchModules } from '../cli-support.ts';

// node:os answers the simulated machine's facts, never the host's: a package that names its host, sizes a
// pool by the CPUs or logs the user sees one machine wherever the check runs, so a seed's trace is the same.
const scratch = scratchModules('rtc-sim-machine-facts');
const provider = new URL('../backend/fixtures/world/fetch-provider.ts', import.meta.url).pathname;
const backend = scratch.write(
  'os-backend.ts',
  `import os from 'node:os';
import { cpus, networkInterfaces } from 'os';
export function createBackend() {
  const facts = { host: os.hostname(), cpus: cpus().length, nics: Object.keys(networkInterfaces()), mem: os.totalmem(), load: os.loadavg(), user: os.userInfo().username, home: os.homedir(), release: os.release(), platform: os.platform() === process.platform };
  console.log('facts', JSON.stringify(facts));
  return () => Response.json({ key: 'k', keyHint: os.hostname() + '/' + os.uptime() });
}
`,
);

const renice = scratch.write(
  'renice-backend.ts',
  `import { setPriority } from 'node:os';
export function createBackend() {
  try { setPriority(19); } catch {}
  return () => Response.json({ key: 'k', keyHint: 'h' });
}
`,
);

async function trace(seed: number, module = backend): Promise<string> {
  const source = await loadProviderSource(provider, undefined, module);
  if (!source.ok) throw new Error(source.error.message);
  const run = await simulate({ config: drawWorld(seed, { faultMode: 'never' }, source.value), source: source.value, record: true });
  return JSON.stringify(run.trace);
}

describe("a simulated machine's node:os", () => {
  it("answers the machine's facts, the same on every host", async () => {
    const first = await trace(4);
    expect(first).toContain(
      JSON.stringify(`facts ${JSON.stringify({ host: 'rtc-sim-machine', cpus: 2, nics: ['lo'], mem: simulatedMachineFacts.totalmem, load: [0, 0, 0], user: 'rtc-sim', home: '/home/rtc-sim', release: '6.0.0-rtc-sim', platform: true })}`).slice(1, -1),
    );
    expect(first).toContain('rtc-sim-machine/');
    if (hostname() !== 'rtc-sim-machine') expect(first).not.toContain(hostname());
    if (userInfo().username !== 'rtc-sim') expect(first).not.toContain(`"${userInfo().username}"`);
    expect(await trace(4)).toBe(first);
  }, 60_000);

  it("changing the host's scheduling is refused and named, even when the code catches it", async () => {
    expect(await trace(4, renice)).toContain('"api":"os.setPriority()"');
  }, 60_000);
});
