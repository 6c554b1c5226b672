import { describe, expect, it } from 'vitest';
import { scratchModules, spawnCli } from '../cli-support.ts';

// A blocked thread cannot say whose code it is running, so in a world with a backend the stall names both;
// preparing a world (the database's cold start, the backend's setup) has its own allowance rather than
// being charged to the first seed's stall bound.
const { failuresDir, write: module } = scratchModules('rtc-sim-stall-attribution');
const provider = new URL('../backend/fixtures/world/fetch-provider.ts', import.meta.url).pathname;
const quickly = { RTC_SIM_STALL_SECONDS: '1.5', RTC_SIM_PREPARE_SECONDS: '3' };

describe('a stall in a world with a backend', () => {
  it('a handler that loops forever: the seed is named, and the backend among the code that may block', async () => {
    const backend = module('looping-handler.ts', `export function createBackend() {\n  return () => { for (;;) {} };\n}\n`);
    // The database's cold start (seconds on a loaded machine) has its own allowance: only the run is timed by 1.5 s.
    const result = await spawnCli(['check', provider, '--backend', backend, '--json', '--failures-dir', failuresDir], { ...quickly, RTC_SIM_PREPARE_SECONDS: '50' });
    expect(result.code).toBe(3);
    const failure = (JSON.parse(result.out) as { failure: { message: string; seed: number; stalled: boolean } }).failure;
    expect(failure).toMatchObject({ seed: 1, stalled: true });
    expect(failure.message).toContain('seed 1 ran for 1.5 s of real time without finishing: code under test blocks synchronously (the provider, or the backend');
  }, 60_000);

  it('a setup that blocks is a stall of the preparation, timed by its own allowance, not a provider stall', async () => {
    const backend = module(
      'looping-setup.ts',
      `export async function setup(env) {\n  await env.keyStore.set('a', 'b');\n  for (;;) {}\n}\nexport function createBackend() {\n  return () => Response.json({ key: 'k', keyHint: 'h' });\n}\n`,
    );
    const started = Date.now();
    const result = await spawnCli(['check', provider, '--backend', backend, '--failures-dir', failuresDir], quickly);
    expect(result.code).toBe(3);
    expect(result.err).toContain("✗ limit: preparing the world of seed 1 (starting the database, restoring it, the backend's setup) did not finish within 3 s of real time");
    expect(result.err).not.toContain('provider code blocks');
    expect(Date.now() - started).toBeGreaterThan(3000);
  }, 60_000);

  it('an unreadable start-up allowance is a usage error', async () => {
    const result = await spawnCli(['check', provider, '--failures-dir', failuresDir], { RTC_SIM_PREPARE_SECONDS: 'soon' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('usage error: RTC_SIM_PREPARE_SECONDS must be a number of seconds in (0, 86400], got "soon"');
  }, 60_000);
});
