import { afterEach, describe, expect, it } from 'vitest';
import { setUserEnvironment } from '../../src/backend/machine-hooks.ts';
import { drawWorld } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { machineEnvironment, parseEnvironmentFlags } from '../../src/providers/machine-environment.ts';
import { simulate } from '../../src/simulate.ts';
import { scratchModules } from '../cli-support.ts';

// The backend's process.env is the simulated machine's: what the user passes plus what the world defines,
// never the host's — so one seed gives one trace whatever shell runs it.
const scratch = scratchModules('rtc-sim-environment');
const provider = new URL('../backend/fixtures/world/fetch-provider.ts', import.meta.url).pathname;
const backend = scratch.write(
  'env-backend.ts',
  `export function createBackend() {
  console.log('environment', JSON.stringify(process.env));
  return () => Response.json({ key: 'k', keyHint: process.env['RTC_SIM_HOSTILE_MODE'] ?? 'unset' });
}
`,
);

async function traceUnder(hostValue: string): Promise<string> {
  process.env['RTC_SIM_HOSTILE_MODE'] = hostValue;
  const source = await loadProviderSource(provider, undefined, backend);
  if (!source.ok) throw new Error(source.error.message);
  const run = await simulate({ config: drawWorld(3, { faultMode: 'never' }, source.value), source: source.value, record: true });
  return JSON.stringify(run.trace);
}

afterEach(() => {
  delete process.env['RTC_SIM_HOSTILE_MODE'];
  setUserEnvironment({});
});

describe("a backend's process.env", () => {
  it('same seed, same trace under two different host environments', async () => {
    const first = await traceUnder('host-a');
    const second = await traceUnder('host-b');
    expect(second).toBe(first);
    expect(first).toContain('"keyHint":"unset"');
    expect(first).not.toContain('host-a');
  }, 60_000);

  it("the user's variables (--env) reach it, and the world's win over them", async () => {
    setUserEnvironment({ RTC_SIM_HOSTILE_MODE: 'from-the-user' });
    expect(await traceUnder('host-a')).toContain('"keyHint":"from-the-user"');
    expect(machineEnvironment({ user: { A: 'user', B: 'user' }, world: { B: 'world' } })).toEqual({ A: 'user', B: 'world' });
    expect(parseEnvironmentFlags(['A=1', 'B=x=y'])).toEqual({ ok: true, value: { A: '1', B: 'x=y' } });
    expect(parseEnvironmentFlags(['=1'])).toEqual({ ok: false, message: '--env =1: expected KEY=VALUE' });
  }, 60_000);
});
