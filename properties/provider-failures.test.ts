import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { sourceFromFactory } from '../src/providers/source.ts';
import type { CreateProvider } from '../src/providers/types.ts';
import { simulate, type RunOutcome } from '../src/simulate.ts';

async function outcomeOf(createProvider: CreateProvider, seed = 1): Promise<RunOutcome> {
  const result = await simulate({ config: drawConfig(seed, { clients: 2 }), source: sourceFromFactory(createProvider) });
  return result.outcome;
}

function violation(outcome: RunOutcome): { property: string; message: string } {
  if (outcome.kind !== 'violation') throw new Error(`expected a violation, got ${JSON.stringify(outcome)}`);
  return outcome.violation;
}

const unsafe = (provider: unknown): CreateProvider => () => provider as ReturnType<CreateProvider>;

describe('provider failures are classified, never crash and never hang', () => {
  it('a provider that throws synchronously is retried, then reported as a liveness failure naming the throw', async () => {
    const { property, message } = violation(await outcomeOf(unsafe(() => { throw new Error('boom'); })));
    expect(property).toBe('liveness');
    expect(message).toContain('threw: Error: boom');
    // The browser keeps asking while its provider fails; the liveness deadline judges, and counts the failures.
    expect(message).toMatch(/\(it failed \d+ times; last: threw: Error: boom\)/);
  });

  it('a provider that never settles times out in virtual time, is retried, then reported', async () => {
    const { property, message } = violation(await outcomeOf(unsafe(() => new Promise(() => undefined))));
    expect(property).toBe('liveness');
    expect(message).toContain('timeout');
  });

  it('a rejection with a non-Error value is described, not crashed on', async () => {
    const reasons = [42, null, undefined, 'plain string', { code: 7 }, Symbol('odd')];
    for (const reason of reasons) {
      const { property, message } = violation(await outcomeOf(unsafe(() => Promise.reject(reason))));
      expect(property).toBe('liveness');
      expect(message).toContain('rejected');
    }
  });

  it('answers of the wrong shape break the provider contract, with the problem named', async () => {
    const cases: [unknown, string][] = [
      [null, 'must be an object'],
      [42, 'must be an object'],
      [{ key: 42 }, 'key must be a string'],
      [{ key: 'k', keyHint: 7 }, 'keyHint must be a string or absent'],
      [{ key: 'k', keyHint: 'x'.repeat(257) }, '257 characters'],
      [{ key: 'k', keyHint: 'a\uD800b' }, 'lone surrogate'],
      [{ get key() { throw new Error('getter'); } }, 'reading key from the answer threw'],
    ];
    for (const [answer, problem] of cases) {
      const { property, message } = violation(await outcomeOf(unsafe(async () => answer)));
      expect(property).toBe('provider-contract');
      expect(message).toContain(problem);
    }
  });

  it('a hint of exactly 256 characters (code points, not UTF-16 units) is accepted', async () => {
    const hint = '😀'.repeat(256);
    const outcome = await outcomeOf(unsafe(async () => ({ key: 'k', keyHint: hint })));
    expect(outcome).toEqual({ kind: 'pass' });
  });

  it('createProvider that throws or returns a non-function breaks the contract', async () => {
    const throwing: CreateProvider = () => { throw new Error('no config'); };
    expect(violation(await outcomeOf(throwing)).message).toContain('createProvider(env) threw Error: no config');
    const asyncFactory = unsafe(Promise.resolve(() => undefined));
    expect(violation(await outcomeOf(asyncFactory)).message).toContain('async factories are not supported');
  });

  it('a provider that sleeps forever in a loop hits the virtual-time bound and reports it', async () => {
    const looping: CreateProvider = (env) => async () => {
      for (;;) await env.sleep(60_000);
    };
    const result = await simulate({
      config: drawConfig(1, { clients: 1, providerTimeoutMs: 10 ** 9, virtualTimeMsMax: 10 ** 8, livenessBoundMs: 10 ** 9 }),
      source: sourceFromFactory(looping),
    });
    expect(result.outcome.kind).toBe('limit');
  });

  it('for any mix of failing calls a provider that eventually answers consistently passes (retries work)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('throw', 'reject', 'hang'), { maxLength: 2 }), fc.integer({ min: 0, max: 1000 }), async (failures, seed) => {
        const createProvider: CreateProvider = () => {
          let calls = 0;
          return ({ keyHint }) => {
            const failure = failures[calls++];
            if (failure === 'throw') throw new Error('transient');
            if (failure === 'reject') return Promise.reject(new Error('transient'));
            if (failure === 'hang') return new Promise(() => undefined);
            return Promise.resolve({ key: 'the key', keyHint: keyHint ?? 'v1' });
          };
        };
        expect(await outcomeOf(createProvider, seed)).toEqual({ kind: 'pass' });
      }),
      { numRuns: 40 },
    );
  });
});
