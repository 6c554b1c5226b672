import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProviderModule } from '../src/providers/loader.ts';
import { drawConfig } from '../src/config/swarm.ts';
import { isSandboxPromise } from '../src/providers/sandbox.ts';
import { sourceFromFactory, sourceFromModule, validateModuleExports, type ProviderSource } from '../src/providers/source.ts';
import type { CreateProvider, ProviderEnv, ProviderRequest } from '../src/providers/types.ts';
import { simulate, type RunOutcome, type SimulationResult } from '../src/simulate.ts';
import { everyTrapThrows, expectClassified, hostileModules, hostileValue, type Expected } from './fixtures/hostile-values.ts';
import { temporaryFolder } from '../test/temporary-folder.ts';

// Faults off: these suites are about what the provider does, and a fault could end a run first.
async function outcomeOf(source: ProviderSource, seed: number): Promise<RunOutcome> {
  return (await simulate({ config: drawConfig(seed, { clients: 2, faultMode: 'never' }), source })).outcome;
}

const seeds = fc.integer({ min: 0, max: 100_000 });
const answer = ({ keyHint }: ProviderRequest) => ({ key: 'the key', keyHint: keyHint ?? 'v1' });
const hostile = (provider: unknown): ProviderSource => sourceFromFactory(() => provider as ReturnType<CreateProvider>);
const runTimeoutMs = 30_000;

describe('hostile providers get a classified verdict; the tool neither crashes nor hangs', () => {
  it('whatever a provider throws or rejects with (non-Errors, throwing getters, Proxies), liveness reports the failed calls', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, fc.constantFrom('throw', 'reject'), seeds, async (value, how, seed) => {
        const provider = () => {
          if (how === 'throw') throw value();
          return Promise.reject(value());
        };
        expectClassified(await outcomeOf(hostile(provider), seed), { property: 'liveness', message: how === 'throw' ? /threw/ : /rejected/ });
      }),
      { numRuns: 100 },
    );
  }, runTimeoutMs);

  it('the first settlement wins: a provider that settles twice, or calls back then throws, is judged by its first outcome', async () => {
    const operation = fc.constantFrom('valid', 'invalid', 'reject', 'throw');
    const mode = fc.constantFrom('promise', 'thenable', 'thenable in a microtask', 'thenable of thenables');
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 4 }), mode, seeds, async (operations, how, seed) => {
        const first = how === 'thenable in a microtask' && operations[0] === 'throw' ? 'reject' : operations[0];
        const expected: Expected =
          first === 'valid' ? 'pass' : first === 'invalid' ? { property: 'provider-contract', message: /must be an object/ } : { property: 'liveness', message: /rejected/ };
        expectClassified(await outcomeOf(hostile(settling(operations, how)), seed), expected);
      }),
      { numRuns: 150 },
    );
  }, runTimeoutMs);

  it('an answer of the wrong shape breaks the contract, returned directly or resolved; one whose `then` cannot be read is a rejection', async () => {
    await fc.assert(
      fc.asyncProperty(wrongAnswer, fc.boolean(), seeds, async ({ make, expected }, direct, seed) => {
        const provider = () => (direct ? make() : Promise.resolve().then(make));
        expectClassified(await outcomeOf(hostile(provider), seed), expected);
      }),
      { numRuns: 150 },
    );
  }, runTimeoutMs);

  it('a hint of n code points (astral or not) is accepted exactly when n ≤ 256', async () => {
    const bmp = fc.integer({ min: 0x20, max: 0xd7ff }).map((code) => String.fromCodePoint(code));
    const astral = fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(bmp, astral), { minLength: 250, maxLength: 262 }), seeds, async (codePoints, seed) => {
        const hint = codePoints.join('');
        const provider = async ({ keyHint }: ProviderRequest) => ({ key: 'the key', keyHint: keyHint ?? hint });
        const expected: Expected = codePoints.length <= 256 ? 'pass' : { property: 'provider-contract', message: new RegExp(`keyHint has ${codePoints.length} characters`) };
        expectClassified(await outcomeOf(hostile(provider), seed), expected);
      }),
      { numRuns: 40 },
    );
  }, runTimeoutMs);

  it('a lone surrogate anywhere in the key or the hint breaks the contract, naming which', async () => {
    const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
    await fc.assert(
      fc.asyncProperty(fc.string(), lone, fc.string(), fc.constantFrom('key', 'keyHint'), seeds, async (before, surrogate, after, field, seed) => {
        const broken = `${before}${surrogate}${after}`;
        const provider = async ({ keyHint }: ProviderRequest) => (field === 'key' ? { key: broken, keyHint: keyHint ?? 'v1' } : { key: 'the key', keyHint: broken });
        expectClassified(await outcomeOf(hostile(provider), seed), { property: 'provider-contract', message: new RegExp(`^.*${field} is not well-formed`) });
      }),
      { numRuns: 40 },
    );
  }, runTimeoutMs);

  it('a key of 1 MB is an answer like any other; with a lone surrogate at its very end it breaks the contract', async () => {
    const megabyte = 'k'.repeat(2 ** 20);
    expectClassified(await outcomeOf(hostile(async (request: ProviderRequest) => ({ ...answer(request), key: megabyte })), 3), 'pass');
    const broken = hostile(async (request: ProviderRequest) => ({ ...answer(request), key: `${megabyte}\uD800` }));
    expectClassified(await outcomeOf(broken, 3), { property: 'provider-contract', message: /key is not well-formed/ });
  }, runTimeoutMs);

  it('createProvider returning a Proxy, a revoked Proxy, or throwing a hostile value is classified', async () => {
    const cases: { name: string; createProvider: () => unknown; expected: Expected }[] = [
      { name: 'a transparent Proxy of a good provider', createProvider: () => new Proxy(async (request: ProviderRequest) => answer(request), {}), expected: 'pass' },
      { name: 'a Proxy of a function whose every trap throws', createProvider: () => everyTrapThrows(() => undefined), expected: { property: 'liveness', message: /threw/ } },
      { name: 'a Proxy of an object whose every trap throws', createProvider: () => everyTrapThrows({}), expected: { property: 'provider-contract', message: /must return the provider function, got an object whose `then` cannot be read/ } },
      { name: 'a revoked Proxy', createProvider: () => revoked(), expected: { property: 'liveness', message: /threw: TypeError: .*revoked/ } },
      { name: 'a throw of a Proxy', createProvider: () => { throw everyTrapThrows({}); }, expected: { property: 'provider-contract', message: /createProvider\(env\) threw \(a value that could not be described\)/ } },
      { name: 'a throw of null', createProvider: () => { throw null; }, expected: { property: 'provider-contract', message: /createProvider\(env\) threw null/ } },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), seeds, async ({ createProvider, expected }, seed) => {
        expectClassified(await outcomeOf(sourceFromFactory(createProvider as CreateProvider), seed), expected);
      }),
      { numRuns: 30 },
    );
  }, runTimeoutMs);
});

describe('hostile provider modules, through the sandbox (its own realm, microtask queue and Proxies)', async () => {
  const folder = temporaryFolder('rtc-sim-hostile-');
  const compiled = new Map<string, Awaited<ReturnType<typeof loadProviderModule>>>();
  for (const [name, { source }] of Object.entries(hostileModules)) {
    writeFileSync(join(folder, name), source);
    compiled.set(name, await loadProviderModule(join(folder, name)));
  }
  const silentHooks = { clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined };

  it('every module loads, and the load-time check classifies the bad ones as input errors without throwing', () => {
    for (const [name, { refusedAtLoad }] of Object.entries(hostileModules)) {
      const module = compiled.get(name);
      if (module === undefined || !module.ok) throw new Error(`${name} did not build: ${module?.error.message}`);
      expect({ name, valid: validateModuleExports(module.value, silentHooks).ok }).toEqual({ name, valid: refusedAtLoad !== true });
    }
  });

  it('every run over every module ends classified, whatever the seed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(hostileModules)), seeds, async (name, seed) => {
        const module = compiled.get(name);
        if (module === undefined || !module.ok) throw new Error(`${name} did not build`);
        expectClassified(await outcomeOf(sourceFromModule(module.value), seed), hostileModules[name]?.expected ?? 'pass');
      }),
      { numRuns: 100 },
    );
  }, runTimeoutMs);
});

describe('stray rejections: a provider that leaves a promise unhandled never crashes the tool', async () => {
  const folder = temporaryFolder('rtc-sim-stray-');
  const strayModules = {
    'unawaited-write.ts': `env.keyStore.set('audit/' + env.clientId, 'x');`,
    'unawaited-chain.ts': `env.keyStore.set('audit/' + env.clientId, 'x').then(() => undefined);`,
    'forgotten-reject.ts': `Promise.reject(new Error('forgotten'));`,
  };
  const sources = new Map<string, ProviderSource>();
  for (const [name, statement] of Object.entries(strayModules)) {
    writeFileSync(join(folder, name), `export function createProvider(env) {\n  return async ({ keyHint }) => {\n    ${statement}\n    return { key: 'the key', keyHint: keyHint ?? 'v1' };\n  };\n}\n`);
    const module = await loadProviderModule(join(folder, name));
    if (!module.ok) throw new Error(module.error.message);
    sources.set(name, sourceFromModule(module.value));
  }
  // Every client's first key-store operation fails: the write the provider does not await.
  const failFirstWrites = (seed: number) =>
    drawConfig(seed, {
      clients: 2,
      faults: { phaseEndMs: 60_000, keyStoreFailureRate: 0, keyStoreTimeoutRate: 0, events: ['c1', 'c2'].map((client) => ({ kind: 'key-store-failure' as const, client, operationNumber: 1 })) },
    });
  const failedWrites = (result: SimulationResult) => (result.trace ?? []).filter((record) => record.kind === 'store' && record.result.startsWith('FAILED')).length;
  const unawaitedWrite: CreateProvider = (env: ProviderEnv) => async ({ keyHint }) => {
    void env.keyStore.set(`audit/${env.clientId}`, 'x');
    return { key: 'the key', keyHint: keyHint ?? 'v1' };
  };

  it('a failing key-store write nobody awaits is in the trace, and is no unhandled rejection (host realm and sandbox)', async () => {
    for (const source of [sourceFromFactory(unawaitedWrite), sources.get('unawaited-write.ts')]) {
      const { value: results, stray } = await unhandledDuring(async () => Promise.all([1, 2, 3].map((seed) => simulate({ config: failFirstWrites(seed), source: source as ProviderSource, record: true }))));
      expect(results.map(failedWrites)).toEqual([2, 2, 2]);
      expect(results.map((result) => result.outcome)).toEqual([{ kind: 'pass' }, { kind: 'pass' }, { kind: 'pass' }]);
      expect(stray).toEqual([]);
    }
  });

  it("a rejection the provider's own code leaves unhandled is told apart from rtc-sim's (isSandboxPromise)", async () => {
    for (const name of ['unawaited-chain.ts', 'forgotten-reject.ts']) {
      const { value: result, stray } = await unhandledDuring(() => simulate({ config: failFirstWrites(1), source: sources.get(name) as ProviderSource }));
      expect(result.outcome).toEqual({ kind: 'pass' });
      expect(stray.length).toBeGreaterThan(0);
      expect(stray.every(({ promise }) => isSandboxPromise(promise))).toBe(true);
    }
    expect(isSandboxPromise(Promise.reject(new Error('rtc-sim bug')).catch(() => undefined))).toBe(false);
    expect([null, 42, everyTrapThrows({})].map(isSandboxPromise)).toEqual([false, false, false]);
  });
});

/**
 * Runs `action` with the process's unhandled-rejection listeners (vitest's) replaced by a recorder, and waits
 * for Node to report what stayed unhandled (it does so once the host's microtask queue has drained).
 */
async function unhandledDuring<T>(action: () => Promise<T>): Promise<{ value: T; stray: { reason: unknown; promise: unknown }[] }> {
  const stray: { reason: unknown; promise: unknown }[] = [];
  const saved = process.listeners('unhandledRejection');
  const record = (reason: unknown, promise: unknown): void => void stray.push({ reason, promise });
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', record);
  try {
    const value = await action();
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    return { value, stray };
  } finally {
    process.off('unhandledRejection', record);
    for (const listener of saved) process.on('unhandledRejection', listener);
  }
}

/** A provider that performs `operations` in order, in the given way of settling. */
function settling(operations: readonly string[], how: string): () => unknown {
  const answerOf = (operation: string, request: ProviderRequest) => (operation === 'valid' ? answer(request) : null);
  const perform = (request: ProviderRequest, onValue: (value: unknown) => void, onError: (reason: unknown) => void, throwing: boolean): void => {
    for (const operation of operations) {
      if (operation === 'reject' || (operation === 'throw' && !throwing)) onError(new Error('no key'));
      else if (operation === 'throw') throw new Error('thrown after settling');
      else onValue(answerOf(operation, request));
    }
  };
  return (request?: unknown) => {
    const given = request as ProviderRequest;
    if (how === 'promise') return new Promise((resolve, reject) => perform(given, resolve, reject, true));
    if (how === 'thenable') return { then: (onValue: (value: unknown) => void, onError: (reason: unknown) => void) => perform(given, onValue, onError, true) };
    if (how === 'thenable in a microtask') {
      return { then: (onValue: (value: unknown) => void, onError: (reason: unknown) => void) => queueMicrotask(() => perform(given, onValue, onError, false)) };
    }
    // Each value comes wrapped in a thenable of its own, to be adopted like `await` would.
    const wrapped = (value: unknown) => ({ then: (onValue: (value: unknown) => void) => onValue(value) });
    const rejecting = (reason: unknown) => ({ then: (_: unknown, onError: (reason: unknown) => void) => onError(reason) });
    return { then: (onValue: (value: unknown) => void) => perform(given, (value) => onValue(wrapped(value)), (reason) => onValue(rejecting(reason)), true) };
  };
}

const wrongAnswer: fc.Arbitrary<{ make: () => unknown; expected: Expected }> = fc.oneof(
  fc.oneof(fc.constantFrom(null, undefined, 0, Number.NaN, '', true), fc.integer(), fc.string(), fc.bigInt(), fc.string().map((text) => Symbol(text))).map((value) => ({
    make: () => value,
    expected: { property: 'provider-contract' as const, message: /must be an object/ },
  })),
  hostileValue.filter((value) => typeof value() !== 'string').map((value) => ({ make: () => ({ key: value() }), expected: { property: 'provider-contract' as const, message: /key must be a string|reading key/ } })),
  fc.constant({ make: () => ({ key: 'k', get keyHint() { throw new Error('no hint'); } }), expected: { property: 'provider-contract' as const, message: /reading keyHint from the answer threw Error: no hint/ } }),
  fc.constant({ make: () => ({ key: 'k', keyHint: 7 }), expected: { property: 'provider-contract' as const, message: /keyHint must be a string or absent, got number/ } }),
  fc.constant({ make: () => () => undefined, expected: { property: 'provider-contract' as const, message: /key must be a string, got undefined/ } }),
  fc.constant({ make: () => everyTrapThrows({}), expected: { property: 'liveness' as const, message: /rejected/ } }),
  fc.constant({ make: () => ({ get then() { throw new Error('no then'); } }), expected: { property: 'liveness' as const, message: /rejected: Error: no then/ } }),
);

function revoked(): unknown {
  const { proxy, revoke } = Proxy.revocable(() => undefined, {});
  revoke();
  return proxy;
}
