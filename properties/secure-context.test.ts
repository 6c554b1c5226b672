import { describe, expect, it } from 'vitest';
import { defaultOrigin, insecureOriginError, isSecureOrigin, originProblem, secureContextRequired } from '../src/config/origin.ts';
import { describeClientFailure } from '../src/model/client-outcomes.ts';
import { drawConfig } from '../src/config/swarm.ts';
import { describeThrown } from '../src/errors.ts';
import { sweep } from '../src/explore/sweep.ts';
import type { InstanceHooks } from '../src/providers/sandbox.ts';
import type { ProviderSource } from '../src/providers/source.ts';
import type { ProviderEnv } from '../src/providers/types.ts';
import { simulate } from '../src/simulate.ts';
import { checkProvider } from '../src/vitest.ts';
import { fixturePath, moduleSource } from './support.ts';

describe('the secure-context rule: https, wss and loopback pages are secure contexts, other http pages are not', () => {
  const secure = ['https://app.example', 'https://app.example:8443', 'wss://rtc.example', 'http://localhost:3000', 'http://LOCALHOST', 'http://dev.localhost:5173', 'http://127.0.0.1:8080', 'http://127.1.2.3', 'http://[::1]:3000', 'ws://localhost:1234', 'https://app.example/'];
  const insecure = ['http://staging.example', 'http://staging.example:80', 'ws://staging.example', 'http://localhost.example', 'http://mylocalhost', 'http://128.0.0.1', 'http://[::2]', 'http://192.168.1.10:3000'];

  it.each(secure)('%s is a secure context', (origin) => {
    expect(originProblem(origin)).toBeUndefined();
    expect(isSecureOrigin(origin)).toBe(true);
    expect(insecureOriginError(origin)).toBeUndefined();
  });

  it.each(insecure)('%s is not a secure context, and check would stop naming it', (origin) => {
    expect(originProblem(origin)).toBeUndefined();
    expect(isSecureOrigin(origin)).toBe(false);
    expect(insecureOriginError(origin)).toEqual({
      kind: 'insecure-origin',
      origin,
      message: `the page origin ${origin} is not a secure context: every browser would stop with 'RTC services require a secure context': serve the page over https or from localhost`,
    });
  });

  it('no origin means the default, which is secure', () => {
    expect(defaultOrigin.startsWith('https://')).toBe(true);
    expect(isSecureOrigin(undefined)).toBe(true);
    expect(drawConfig(1).origin).toBe(defaultOrigin);
    expect(drawConfig(1, { origin: 'http://localhost:3000' }).origin).toBe('http://localhost:3000');
  });

  it.each(['nope', '', 'ftp://files.example', 'file:///tmp/page.html', 'https://app.example/editor', 'https://app.example?x=1', 'https://app.example#top', 'https://user:secret@app.example', 'https://'])('%j is not a page origin: refused, naming it', (text) => {
    expect(originProblem(text)).toContain(JSON.stringify(text));
    expect(isSecureOrigin(text)).toBe(false);
    expect(insecureOriginError(text)).toEqual({ kind: 'usage', message: originProblem(text) });
  });
});

// The fixtures use no env member.
function unusedEnv(clientId: string): ProviderEnv {
  const refuse = (): never => {
    throw new Error('this fixture does not use env');
  };
  return { clientId, now: refuse, random: refuse, randomBytes: refuse, sleep: refuse, keyStore: { get: refuse, set: refuse, setIfAbsent: refuse, delete: refuse, list: refuse } };
}

/** Makes a fresh instance served from `origin` (absent: the hooks carry none), calls it once and settles. */
async function pageSeenFrom(source: ProviderSource, origin: string | undefined): Promise<Record<string, unknown>> {
  const hooks: InstanceHooks = { clientId: 'c1', clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined, timeAndRandom: 'route', ...(origin === undefined ? {} : { origin }) };
  const created = source.create(unusedEnv('c1'), hooks);
  if (!created.ok) throw new Error(created.problem);
  let answer: unknown;
  source.realm.observe(created.provider({ documentId: 'd1', keyHint: null }), (value) => (answer = value), (reason) => (answer = describeThrown(reason)));
  await source.realm.settle();
  return JSON.parse((answer as { key: string }).key) as Record<string, unknown>;
}

describe('inside the provider sandbox, the page is what its origin makes it', async () => {
  const source = await moduleSource(fixturePath('page-context.ts'));

  it('from an https origin: isSecureContext is true, crypto.subtle and randomUUID are there; origin and location follow the page', async () => {
    expect(await pageSeenFrom(source, 'https://editor.example:8443')).toEqual({
      isSecureContext: true,
      viaGlobalThis: true,
      subtle: 'object',
      randomUUID: 'function',
      getRandomValues: 'function',
      origin: 'https://editor.example:8443',
      relative: 'https://editor.example:8443/keys/d1',
    });
  });

  it('from localhost over plain http: still a secure context', async () => {
    expect(await pageSeenFrom(source, 'http://localhost:3000')).toMatchObject({ isSecureContext: true, subtle: 'object', origin: 'http://localhost:3000' });
  });

  it('from a plain http origin: isSecureContext is false, crypto.subtle and randomUUID are undefined, getRandomValues stays', async () => {
    expect(await pageSeenFrom(source, 'http://staging.example')).toEqual({
      isSecureContext: false,
      viaGlobalThis: false,
      subtle: 'undefined',
      randomUUID: 'undefined',
      getRandomValues: 'function',
      origin: 'http://staging.example',
      relative: 'http://staging.example/keys/d1',
    });
  });

  it('without an origin: the default one, a secure context', async () => {
    expect(await pageSeenFrom(source, undefined)).toMatchObject({ isSecureContext: true, subtle: 'object', origin: defaultOrigin });
  });

  it('two instances of one module, served from different origins, each see their own', async () => {
    const [insecure, secure] = [await pageSeenFrom(source, 'http://staging.example'), await pageSeenFrom(source, 'https://app.example')];
    expect([insecure['isSecureContext'], secure['isSecureContext']]).toEqual([false, true]);
  });
});

describe('a provider that derives its keys with crypto.subtle.digest', async () => {
  const source = await moduleSource(fixturePath('subtle-digest.ts'));

  it('passes a sweep under the default https origin: SubtleCrypto answers inside the simulation', async () => {
    const report = await sweep({ source, runs: 60, seed: 1, pins: {} });
    expect(report.failure).toBeUndefined();
    expect(report.verdict).toBe('pass');
  });

  it('runs byte for byte the same twice (its answers arrive in call order, not on the host timing)', async () => {
    const config = drawConfig(5, { clients: 4 });
    const [first, second] = [await simulate({ config, source, record: true }), await simulate({ config, source, record: true })];
    expect(first.outcome).toEqual({ kind: 'pass' });
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    expect(first.trace?.filter((record) => record.kind === 'provider-answer').length).toBeGreaterThan(3);
  });

  it('under a plain http origin never runs: every browser stops first with the seed\'s text', async () => {
    const result = await simulate({ config: drawConfig(1, { clients: 2, origin: 'http://staging.example', faults: { phaseEndMs: 0, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 } }), source, record: true });
    const trace = result.trace ?? [];
    expect(trace.some((record) => record.kind === 'provider-call')).toBe(false);
    expect(trace.some((record) => record.kind === 'deliver')).toBe(false);
    const failed = trace.find((record) => record.kind === 'state' && record.state === 'failed');
    expect(failed?.kind === 'state' && failed.failure.kind).toBe('insecure-context');
    expect(failed?.kind === 'state' && failed.failure !== undefined && describeClientFailure(failed.failure)).toBe(secureContextRequired);
    expect(secureContextRequired).toBe('RTC services require a secure context');
    expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe('liveness');
  });
});

describe('checkProvider (vitest) takes an origin', () => {
  const createProvider = () => async ({ documentId }: { documentId: string }) => ({ key: `key of ${documentId}`, keyHint: 'static' });

  it('an insecure one rejects at once, naming it', async () => {
    await expect(checkProvider(createProvider, { origin: 'http://staging.example', runs: 5 })).rejects.toThrow(
      "rtc-sim: the page origin http://staging.example is not a secure context: every browser would stop with 'RTC services require a secure context': serve the page over https or from localhost",
    );
    await expect(checkProvider(createProvider, { pins: { origin: 'http://staging.example' }, runs: 5 })).rejects.toThrow('is not a secure context');
    await expect(checkProvider(createProvider, { origin: 'staging', runs: 5 })).rejects.toThrow('"staging" is not a URL');
  });

  it('localhost runs the race, with the origin in every run\'s world', async () => {
    const result = await checkProvider(createProvider, { origin: 'http://localhost:3000', runs: 5 });
    expect(result.verdict).toBe('pass');
    expect(result.pins.origin).toBe('http://localhost:3000');
  });
});
