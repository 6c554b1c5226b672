import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const failuresDir = temporaryFolder('rtc-sim-token-provider-');

describe('check --token-provider: a user\'s own rtc_token_provider module', () => {
  it('its refused tokens show the seed text, and the saved run replays with the same token provider', async () => {
    const check = await runCli(['check', 'examples/providers/good-store-backed-dynamic.ts', '--token-provider', 'scenarios/token-providers/hs256.ts', '--runs', '20', '--failures-dir', failuresDir]);
    expect(check.code).toBe(1);
    expect(check.out).toContain('Unsupported JWT signature algorithm');
    expect(check.out).toMatch(/^replay: .* --token-provider scenarios\/token-providers\/hs256\.ts$/m);
    const file = /replay the shrunk run: node bin\/rtc-sim\.js replay --file (\S+)/.exec(check.out)?.[1];
    expect(file).toBeDefined();
    const replay = await runCli(['replay', '--file', file ?? '']);
    expect(replay.code).toBe(1);
    expect(replay.out).toContain("refuses c1's token for d1: Unsupported JWT signature algorithm");
  });

  it('a good token provider module passes, and a missing or export-less one is an input error', async () => {
    const good = await runCli(['check', 'examples/providers/good-store-backed-dynamic.ts', '--token-provider', 'examples/token-providers/signed-on-demand.ts', '--runs', '150']);
    expect(good.out).toContain('✓ PASS');
    expect(good.code).toBe(0);
    const exportless = await runCli(['check', 'examples/providers/good-static-key.ts', '--token-provider', 'scenarios/token-providers/support.ts', '--runs', '5']);
    expect(exportless.code).toBe(2);
    expect(exportless.err).toContain('exports neither createTokenProvider(env) nor a default rtc_token_provider function');
    const missing = await runCli(['check', 'examples/providers/good-static-key.ts', '--token-provider', 'nope.ts']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('provider module not found');
  });
});
