import { describe, expect, it } from 'vitest';
import { HostWork } from '../../src/kernel/host-work.ts';
import { ClientTokens, type TokenClient } from '../../src/model/auth/client-tokens.ts';
import { callTokenProvider, tokenLifetimeMs } from '../../src/model/auth/token-call.ts';
import { builtInTokenSource, moduleTokenSource, tokenProviderEnv, withTokenSource, type TokenProvider, type TokenProviderEnv } from '../../src/model/auth/token-source.ts';
import { documentClaim, roleClaim } from '../../src/model/auth/verify-token.ts';
import type { CompiledModule, InstanceHooks } from '../../src/providers/sandbox.ts';
import { createHostRealm } from '../../src/providers/realm.ts';
import { sourceFromFactory, type ProviderSource } from '../../src/providers/source.ts';
import { fakeWorld, runQueue, settle } from './support.ts';

const hooks = {} as InstanceHooks;
const ticks = async (): Promise<void> => {
  for (let index = 0; index < 5; index++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A compact token whose payload is `payload` (header and signature are not looked at). */
const tokenWith = (payload: unknown): string => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
const payloadOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('callTokenProvider', () => {
  async function call(provider: TokenProvider, timeout = false): Promise<{ outcomes: unknown[]; requests: unknown[]; cancelled: boolean }> {
    const outcomes: unknown[] = [];
    const requests: unknown[] = [];
    let cancelled = false;
    let fire: (() => void) | undefined;
    const context = {
      realm: createHostRealm(),
      startTimeout: (onTimeout: () => void) => {
        fire = onTimeout;
        return () => {
          cancelled = true;
        };
      },
    };
    callTokenProvider((request) => (requests.push(request), provider(request)), 'd7', context, (outcome) => outcomes.push(outcome));
    if (timeout) fire?.();
    await ticks();
    return { outcomes, requests, cancelled };
  }

  it('passes the document and answers the token', async () => {
    expect(await call(async () => ({ token: 't' }))).toEqual({ outcomes: [{ ok: true, token: 't' }], requests: [{ documentId: 'd7' }], cancelled: true });
  });

  it('describes a throw, a rejection, a timeout and an answer without a string token', async () => {
    const problems = async (provider: TokenProvider, timeout = false) => (await call(provider, timeout)).outcomes;
    expect(await problems(() => {
      throw new Error('down');
    })).toEqual([{ ok: false, problem: 'the token provider threw Error: down' }]);
    expect(await problems(() => Promise.reject(new Error('no')))).toEqual([{ ok: false, problem: 'the token provider rejected: Error: no' }]);
    expect(await problems(() => new Promise(() => undefined), true)).toEqual([{ ok: false, problem: 'the token provider did not settle before the timeout' }]);
    for (const answer of [null, undefined, {}, { token: 5 }, 'plain']) {
      expect(await problems(async () => answer as unknown as { token: string })).toEqual([{ ok: false, problem: 'the token provider must answer { token: string }' }]);
    }
    const hostile = {
      get token(): string {
        throw new Error('getter');
      },
    };
    expect(await problems(async () => hostile)).toEqual([{ ok: false, problem: 'the token provider must answer { token: string }' }]);
  });
});

describe('tokenLifetimeMs', () => {
  it('is exp − iat in ms when both are numbers and exp is later', () => {
    expect(tokenLifetimeMs(tokenWith({ iat: 100, exp: 400 }))).toBe(300_000);
    expect(tokenLifetimeMs(tokenWith({ iat: 100, exp: 101 }))).toBe(1_000);
  });

  it('is unknown otherwise', () => {
    expect(tokenLifetimeMs(tokenWith({ iat: 100, exp: 100 }))).toBeUndefined();
    expect(tokenLifetimeMs(tokenWith({ iat: 100, exp: 50 }))).toBeUndefined();
    expect(tokenLifetimeMs(tokenWith({ iat: '100', exp: 400 }))).toBeUndefined();
    expect(tokenLifetimeMs(tokenWith({ iat: 100, exp: '400' }))).toBeUndefined();
    expect(tokenLifetimeMs(tokenWith({ exp: 400 }))).toBeUndefined();
    expect(tokenLifetimeMs('no-dots')).toBeUndefined();
    expect(tokenLifetimeMs('a.%%%.c')).toBeUndefined();
  });
});

describe('token sources', () => {
  const compiled = (exports: () => Record<string, unknown>): CompiledModule => ({ path: 'p', realm: createHostRealm() as CompiledModule['realm'], instantiate: exports, evaluate: () => ({ exports: exports(), evaluation: undefined }), runAs: (_hooks, action) => action(), sharedGlobals: () => [] });
  const env = { clientId: 'c1', now: () => 0, signToken: async () => 't' } as TokenProviderEnv;
  const problem = (exports: () => Record<string, unknown>) => {
    const created = moduleTokenSource(compiled(exports)).create(env, hooks);
    return created.ok ? 'ok' : created.problem;
  };

  it('takes createTokenProvider(env) first, then a default function', () => {
    const provider: TokenProvider = async () => ({ token: 't' });
    let given: unknown;
    const fromFactory = moduleTokenSource(compiled(() => ({ createTokenProvider: (passed: unknown) => ((given = passed), provider), default: () => 'other' }))).create(env, hooks);
    expect(fromFactory).toEqual({ ok: true, provider });
    expect(given).toBe(env);
    expect(moduleTokenSource(compiled(() => ({ default: provider }))).create(env, hooks)).toEqual({ ok: true, provider });
    const source = moduleTokenSource(compiled(() => ({})));
    expect(source.realm).toBeDefined();
  });

  it('names what is wrong with a module', () => {
    expect(problem(() => {
      throw new Error('body');
    })).toBe('evaluating the token provider module threw Error: body');
    expect(problem(() => ({ createTokenProvider: () => 'x' }))).toBe('createTokenProvider(env) must return the token provider function');
    expect(problem(() => ({
      createTokenProvider: () => {
        throw new Error('factory');
      },
    }))).toBe('createTokenProvider(env) threw Error: factory');
    expect(problem(() => ({ default: 'x' }))).toBe('the token provider module exports neither createTokenProvider(env) nor a default function');
    expect(problem(() => ({ createTokenProvider: 'x' }))).toBe('the token provider module exports neither createTokenProvider(env) nor a default function');
  });

  it('the built-in provider signs a token for the client\'s user and document on its clock, viewers read-only', async () => {
    const hostWork = new HostWork();
    const realm = createHostRealm();
    const settings = { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300, viewers: ['c2'] } as const;
    const answers: Record<string, unknown>[] = [];
    for (const clientId of ['c1', 'c2']) {
      const created = builtInTokenSource(settings).create(tokenProviderEnv(clientId, () => 1_700_000_999, realm, hostWork), hooks);
      if (!created.ok) throw new Error(created.problem);
      void created.provider({ documentId: 'd3' }).then((answer) => answers.push(payloadOf(answer.token)));
    }
    await hostWork.drain();
    await ticks();
    expect(answers).toEqual([
      { sub: 'user-c1', iat: 1_700_000, exp: 1_700_300, [documentClaim]: 'd3', [roleClaim]: 'editor' },
      { sub: 'user-c2', iat: 1_700_000, exp: 1_700_300, [documentClaim]: 'd3', [roleClaim]: 'viewer' },
    ]);
    const plain = builtInTokenSource({ mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 60 }).create(tokenProviderEnv('c1', () => 0, realm, hostWork), hooks);
    if (!plain.ok) throw new Error(plain.problem);
    let role: unknown;
    void plain.provider({ documentId: 'd1' }).then((answer) => (role = payloadOf(answer.token)[roleClaim]));
    await hostWork.drain();
    await ticks();
    expect(role).toBe('editor');
  });

  it('the token env is frozen, signs with the given options, and rejects when signing fails', async () => {
    const hostWork = new HostWork();
    const env = tokenProviderEnv('c9', () => 42, createHostRealm(), hostWork);
    expect(Object.isFrozen(env)).toBe(true);
    expect([env.clientId, env.now()]).toEqual(['c9', 42]);
    const results: string[] = [];
    void env.signToken({ sub: 'x' }, { kid: null, alg: 'PS256' }).then((token) => results.push(JSON.stringify(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()))));
    void env.signToken({ sub: 'x' }).then((token) => results.push(`${payloadOf(token)['sub']}`));
    void env.signToken({ sub: 'x' }, { alg: 'XX1' as 'RS256' }).catch(() => results.push('rejected'));
    await hostWork.drain();
    await ticks();
    expect(results).toEqual(['{"alg":"PS256"}', 'x', 'rejected']);
  });

  it('withTokenSource keeps the source and declares the tokens as its second module, leaving the original alone', () => {
    const source = sourceFromFactory(() => async () => ({ key: 'k' }), 'l');
    const tokens = builtInTokenSource({ mode: 'jwt', leewaySeconds: 0, tokenLifetimeSeconds: 1 });
    const joined: ProviderSource = withTokenSource(source, tokens);
    expect(joined.tokens).toBe(tokens);
    expect(joined.label).toBe('l');
    expect(joined.create).toBe(source.create);
    expect(joined.realm).toBe(source.realm);
    expect(source.tokens).toBeUndefined();
  });
});

describe('ClientTokens', () => {
  function setUp(provider: TokenProvider) {
    const world = fakeWorld();
    let epoch = 1;
    let wantsRefresh = true;
    const log: string[] = [];
    const client: TokenClient = {
      id: 'c1',
      documentId: 'd1',
      epoch: () => epoch,
      wantsRefresh: () => wantsRefresh,
      disconnectForJwt: (problem) => log.push(`${world.queue.nowMs} jwt: ${problem}`),
      waitingForToken: () => log.push(`${world.queue.nowMs} waits for its token provider`),
    };
    const tokens = new ClientTokens(world, client, provider);
    const fetch = (): void => tokens.fetch((token) => log.push(`${world.queue.nowMs} use ${token}`), (token) => log.push(`${world.queue.nowMs} refresh ${token}`));
    return { world, fetch, log, setEpoch: (value: number) => (epoch = value), setWantsRefresh: (value: boolean) => (wantsRefresh = value) };
  }

  it('hands the token over and refreshes it at 80 % of its lifetime, again and again', async () => {
    const token = tokenWith({ iat: 0, exp: 10 });
    const { world, fetch, log } = setUp(async () => ({ token }));
    fetch();
    await runQueue(world, 16_000);
    expect(log).toEqual(['0 waits for its token provider', `0 use ${token}`, '8000 waits for its token provider', `8000 refresh ${token}`, '16000 waits for its token provider', `16000 refresh ${token}`]);
  });

  it('refreshes short-lived tokens after a second at the earliest, and never tokens without a lifetime', async () => {
    const short = setUp(async () => ({ token: tokenWith({ iat: 0, exp: 1 }) }));
    short.fetch();
    await runQueue(short.world, 1_000);
    expect(short.log.filter((line) => line.includes('refresh')).map((line) => line.split(' ')[0])).toEqual(['1000']);
    const endless = setUp(async () => ({ token: 'opaque' }));
    endless.fetch();
    await runQueue(endless.world);
    expect(endless.log).toEqual(['0 waits for its token provider', '0 use opaque']);
    const odd = setUp(async () => ({ token: tokenWith({ iat: 0, exp: 2.5 }) }));
    odd.fetch();
    await runQueue(odd.world, 2_000);
    expect(odd.log.filter((line) => line.includes('refresh')).map((line) => line.split(' ')[0])).toEqual(['2000']);
  });

  it('stops refreshing once the connection moved on or a refresh is no longer wanted', async () => {
    const token = tokenWith({ iat: 0, exp: 10 });
    const moved = setUp(async () => ({ token }));
    moved.fetch();
    await runQueue(moved.world, 0);
    moved.setEpoch(2);
    await runQueue(moved.world);
    expect(moved.log).toEqual(['0 waits for its token provider', `0 use ${token}`]);
    const unwanted = setUp(async () => ({ token }));
    unwanted.fetch();
    await runQueue(unwanted.world, 0);
    unwanted.setWantsRefresh(false);
    await runQueue(unwanted.world);
    expect(unwanted.log).toEqual(['0 waits for its token provider', `0 use ${token}`]);
  });

  it('a failing token provider is a jwt disconnect; late answers are dropped', async () => {
    const failing = setUp(() => Promise.reject(new Error('denied')));
    failing.fetch();
    await runQueue(failing.world);
    expect(failing.log).toEqual(['0 waits for its token provider', '0 jwt: the token provider rejected: Error: denied']);
    const hanging = setUp(() => new Promise(() => undefined));
    hanging.fetch();
    expect(hanging.world.queue.enabled().map((event) => [event.key, event.actor, event.dueMs])).toEqual([['token-timeout:c1#1@0', 'c1', 10_000]]);
    await runQueue(hanging.world);
    expect(hanging.log).toEqual(['0 waits for its token provider', '10000 jwt: the token provider did not settle before the timeout']);
    const late = setUp(async () => ({ token: 't' }));
    late.fetch();
    late.setEpoch(5);
    await settle(late.world);
    const closed = setUp(async () => ({ token: 't' }));
    closed.fetch();
    closed.world.closed = true;
    await settle(closed.world);
    expect([late.log, closed.log]).toEqual([['0 waits for its token provider'], ['0 waits for its token provider']]);
  });

  it('schedules the refresh as a timer of the client', async () => {
    const { world, fetch } = setUp(async () => ({ token: tokenWith({ iat: 0, exp: 10 }) }));
    world.queue.nowMs = 7;
    fetch();
    await settle(world);
    expect(world.queue.enabled().map((event) => [event.key, event.actor, event.resources, event.dueMs])).toEqual([['token-refresh:c1#1@7', 'c1', ['c1'], 8_007]]);
  });
});
