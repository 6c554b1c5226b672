// The vitest helper used exactly as a user would: `import 'rtc-sim/vitest'` through the package's exports map.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProviderEnv, ProviderRequest } from 'rtc-sim';
import { checkProvider } from 'rtc-sim/vitest';
import { sweep, sourceFromFactory } from 'rtc-sim';
import { temporaryFolder } from '../test/temporary-folder.ts';

/** A correct provider: one key per (document, hint), created with setIfAbsent, never discarded. */
function createProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    if (keyHint === null) {
      const hint = `key-${Buffer.from(env.randomBytes(8)).toString('hex')}`;
      const key = Buffer.from(env.randomBytes(32)).toString('base64');
      if (!(await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) throw new Error('hint collision');
      return { key, keyHint: hint };
    }
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for ${keyHint}`);
    return { key };
  };
}

/** A provider that forgets to await its write: a rejected browser can find nothing and make a second key. */
function createForgetfulProvider(env: ProviderEnv) {
  return async ({ documentId, keyHint }: ProviderRequest) => {
    const hint = keyHint ?? `${env.clientId}-${env.now()}`;
    const stored = keyHint === null ? undefined : await env.keyStore.get(`${documentId}/${hint}`);
    if (stored !== undefined) return { key: stored, keyHint: hint };
    const key = Buffer.from(env.randomBytes(32)).toString('base64');
    void env.keyStore.set(`${documentId}/${hint}`, key);
    return { key, keyHint: hint };
  };
}

describe('rtc-sim/vitest', () => {
  it('a correct provider passes 2,000 schedules: expect(checkProvider(…)).resolves.toPass()', async () => {
    await expect(checkProvider(createProvider, { runs: 2000 })).resolves.toPass();
  });

  it('a provider with an un-awaited write fails, and the message names the property, the seed, the pins and the saved run', async () => {
    const failuresDir = temporaryFolder('rtc-sim-vitest-');
    const result = await checkProvider(createForgetfulProvider, { runs: 2000, pins: { clients: 3 }, name: 'createForgetfulProvider', failuresDir });
    expect(result.verdict).toBe('fail');
    let message = '';
    try {
      expect(result).toPass();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`hint-stability broke after ${result.runs} runs (seed ${result.failure?.seed}`);
    expect(message).toContain(`npx rtc-sim replay --seed ${result.failure?.seed} --clients 3 path/to/provider.ts`);
    expect(message).toMatch(/npx rtc-sim replay --file .*createForgetfulProvider-seed-\d+\.json path\/to\/provider\.ts/);
    expect(message).toContain('nearest passing run');
    // The message says which run its timeline shows before showing it: the seed that failed, then the shrunk run.
    const lines = message.split('\n');
    expect(lines[1]).toMatch(new RegExp(`^seed ${result.failure?.seed} failed(; shrunk to |, shown below as found: )`));
    const violation = lines.find((line) => line.startsWith('✗ hint-stability violated'));
    const shownMessage = lines.map((line) => /^(?:seed \d+ failed, shown below as found| {2}(?:seed \d+ and )?the shrunk run,? shown below): (.*)$/.exec(line)?.[1]).find((text) => text !== undefined);
    expect(violation?.endsWith(`: ${shownMessage}`)).toBe(true);
    expect(existsSync(result.failure?.decisionFile ?? '')).toBe(true);
    expect(result).not.toPass();
  });

  it('a wrong pin is an error naming the field and listing the valid ones, not a crash deep in a run', async () => {
    const wrong = checkProvider(createProvider, { runs: 50, pins: { faults: 'never' } as never });
    await expect(wrong).rejects.toThrow(/pins\.faults: .*expected object.*valid fields of pins: .*\bclients\b.*\bfaultMode\b.*; .*faultMode: "always" \| "sometimes" \| "never"/);
    await expect(checkProvider(createProvider, { runs: 50, pins: { clientz: 3 } as never })).rejects.toThrow(/pins: Unrecognized key: "clientz" \(valid fields of pins: .*\bclients\b/);
  });

  it('a wrong option of the helper itself is an error naming it and listing the valid ones', async () => {
    await expect(checkProvider(createProvider, { run: 50 } as never)).rejects.toThrow(/Unrecognized key: "run" \(valid fields: runs, seed, pins, name, shrink, failuresDir, origin, consistency, backend, beforeRun, afterRun\)/);
  });

  it('sweep() checks its pins with the same schema', async () => {
    const source = sourceFromFactory(createProvider);
    await expect(sweep({ source, runs: 5, seed: 1, pins: { faults: 'never' } as never })).rejects.toThrow(/invalid sweep options: pins\.faults: /);
    await expect(sweep({ source, runs: 5, seed: 1, pins: { faultMode: 'never', clients: 2 } })).resolves.toMatchObject({ verdict: 'pass', runs: 5 });
  });

  it('in-process, new Date() and Math.random() are determinism findings naming the call and client, as in the CLI, and the shown run breaks too', async () => {
    const realDate = Date;
    const realRandom = Math.random;
    const realNow = performance.now;
    const failuresDir = temporaryFolder('rtc-sim-vitest-');
    function createClockProvider(env: ProviderEnv) {
      const inner = createProvider(env);
      return (request: ProviderRequest) => (request.keyHint === null ? inner({ ...request, keyHint: null, documentId: `${request.documentId}${new Date().getTime() < 0 ? '!' : ''}` }) : inner(request));
    }
    function createRandomAfterAwaitProvider(env: ProviderEnv) {
      return async ({ documentId, keyHint }: ProviderRequest) => {
        const stored = keyHint === null ? undefined : await env.keyStore.get(`${documentId}/${keyHint}`);
        if (stored !== undefined) return { key: stored };
        await env.sleep(1);
        const hint = keyHint ?? `key-${Math.random().toString(36).slice(2)}`;
        const key = Buffer.from(env.randomBytes(32)).toString('base64');
        await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key);
        return { key, keyHint: hint };
      };
    }
    const clock = await checkProvider(createClockProvider, { runs: 50, failuresDir });
    expect(clock.failure?.property).toBe('determinism');
    expect(clock.failure?.message).toMatch(/^c\d+'s provider called new Date\(\): in production this reads the browser's real clock/);
    expect(clock.failure?.timeline).toMatch(/✗ determinism violated at step \d+ .*called new Date\(\)/);
    const random = await checkProvider(createRandomAfterAwaitProvider, { runs: 50, failuresDir });
    expect(random.failure?.property).toBe('determinism');
    // After an await no client can be named (as in the CLI's sandbox); the call still is.
    expect(random.failure?.message).toMatch(/called Math\.random\(\): in production this is an unseeded/);
    let message = '';
    try {
      expect(random).toPass();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('every property held');
    // The host's own globals are back once the runs are over.
    expect(Date).toBe(realDate);
    expect(Math.random).toBe(realRandom);
    expect(performance.now).toBe(realNow);
  });

  it('two in-process sweeps at once keep their findings apart and leave the host globals as they were', async () => {
    const realDate = Date;
    function createTimestampProvider(env: ProviderEnv) {
      return async ({ documentId, keyHint }: ProviderRequest) => {
        const hint = keyHint ?? `t-${Date.now()}`;
        const stored = await env.keyStore.get(`${documentId}/${hint}`);
        if (stored !== undefined) return { key: stored, keyHint: hint };
        const key = Buffer.from(env.randomBytes(32)).toString('base64');
        await env.keyStore.setIfAbsent(`${documentId}/${hint}`, key);
        return { key, keyHint: hint };
      };
    }
    const failuresDir = temporaryFolder('rtc-sim-vitest-');
    const [good, timestamp] = await Promise.all([checkProvider(createProvider, { runs: 150 }), checkProvider(createTimestampProvider, { runs: 20, failuresDir })]);
    expect(good.verdict).toBe('pass');
    expect(timestamp.failure?.message).toMatch(/^c\d+'s provider called Date\.now\(\)/);
    expect(Date).toBe(realDate);
  });
});
