import type { JWTPayload } from 'jose';
import type { AuthSettings } from '../../config/fault-plan.ts';
import { describeThrown } from '../../errors.ts';
import type { HostWork } from '../../kernel/host-work.ts';
import type { Realm } from '../../providers/realm.ts';
import type { CompiledModule, InstanceHooks } from '../../providers/sandbox.ts';
import { signTestToken, type RsaAlgorithm, type TestKeyName } from './test-keys.ts';
import { documentClaim, roleClaim } from './verify-token.ts';

/** What `rtc_token_provider` is given and answers. */
export type TokenProvider = (request: { documentId: string }) => PromiseLike<{ token: string }>;

/** How the simulated backend signs a token for a token provider module. */
export interface SignTokenOptions {
  readonly alg?: RsaAlgorithm;
  /** `test` is in the server's JWK set; `other` is not. */
  readonly key?: TestKeyName;
  readonly kid?: string | null;
}

/** The env a token provider module gets: its browser's clock, and the backend that signs tokens. */
export interface TokenProviderEnv {
  readonly clientId: string;
  /** This client's wall clock, ms since the epoch (simulated, skewed like the client's). */
  now(): number;
  /** Signs claims with the integrator's (test) key, as the backend behind a real token endpoint would. */
  signToken(claims: JWTPayload, options?: SignTokenOptions): Promise<string>;
}

/** Where a client's token provider comes from: the built-in signer, or the user's module. */
export interface TokenSource {
  /** The realm a token provider module runs in (its own sandbox); absent for the built-in signer. */
  readonly realm?: Realm;
  create(env: TokenProviderEnv, hooks: InstanceHooks): { ok: true; provider: TokenProvider } | { ok: false; problem: string };
}

/**
 * The built-in token provider: a token for the client's own user and document, signed RS256 with the test
 * key on the client's clock, valid for the configured lifetime — what a correct integrator's endpoint issues.
 * It answers with a promise of the provider's own realm and never awaits one from host code: a host `async`
 * function awaiting a sandbox promise would need turns of both microtask queues, which the synchronous loop
 * does not give.
 */
export function builtInTokenSource(settings: AuthSettings): TokenSource {
  return {
    create: (env) => ({
      ok: true,
      provider: ({ documentId }) => {
        const nowSeconds = Math.floor(env.now() / 1000);
        const role = settings.viewers?.includes(env.clientId) === true ? 'viewer' : 'editor';
        const claims = { sub: `user-${env.clientId}`, iat: nowSeconds, exp: nowSeconds + settings.tokenLifetimeSeconds, [documentClaim]: documentId, [roleClaim]: role };
        return (env as InternalTokenEnv).signTokenAnswer(claims);
      },
    }),
  };
}

/** The token env as the built-in provider sees it: it may ask for the `{ token }` answer directly. */
interface InternalTokenEnv extends TokenProviderEnv {
  signTokenAnswer(claims: JWTPayload): Promise<{ token: string }>;
}

/** A token provider module: `createTokenProvider(env)`, or a default-exported `rtc_token_provider`. */
export function moduleTokenSource(compiled: CompiledModule): TokenSource {
  return {
    realm: compiled.realm,
    create(env, hooks) {
      let exports: Record<string, unknown>;
      try {
        exports = compiled.instantiate(hooks);
      } catch (error) {
        return { ok: false, problem: `evaluating the token provider module threw ${describeThrown(error)}` };
      }
      const factory = exports['createTokenProvider'];
      if (typeof factory === 'function') {
        try {
          const provider: unknown = factory(env);
          if (typeof provider === 'function') return { ok: true, provider: provider as TokenProvider };
          return { ok: false, problem: 'createTokenProvider(env) must return the token provider function' };
        } catch (error) {
          return { ok: false, problem: `createTokenProvider(env) threw ${describeThrown(error)}` };
        }
      }
      const provider = exports['default'];
      if (typeof provider === 'function') return { ok: true, provider: provider as TokenProvider };
      return { ok: false, problem: 'the token provider module exports neither createTokenProvider(env) nor a default function' };
    },
  };
}

/** The token env of one client: signing is host work, resolved to the provider in its own realm. */
export function tokenProviderEnv(clientId: string, now: () => number, realm: Realm, hostWork: HostWork): TokenProviderEnv {
  const signed = <T>(claims: JWTPayload, options: SignTokenOptions, answer: (token: string) => T): Promise<T> => {
    const deferred = realm.deferred<T>();
    hostWork.track(signTestToken(claims, options), (outcome) => (outcome.ok ? deferred.resolve(answer(outcome.value)) : deferred.reject(outcome.error)));
    return deferred.promise;
  };
  const env: InternalTokenEnv = {
    clientId,
    now,
    signToken: (claims, options = {}) => signed(claims, options, (token) => token),
    signTokenAnswer: (claims) => signed(claims, {}, (token) => ({ token })),
  };
  return Object.freeze(env);
}

/** A provider source with a token provider module as its browsers' second module. */
export function withTokenSource<T extends { readonly tokens?: TokenSource }>(source: T, tokens: TokenSource): T & { readonly tokens: TokenSource } {
  return { ...source, tokens };
}
