import { createProviderEnv } from '../providers/env.ts';
import type { ClientFailure } from './client-outcomes.ts';
import type { CreatedProvider } from '../providers/source.ts';
import { ClientTokens, type TokenClient } from './auth/client-tokens.ts';
import { tokenProviderEnv } from './auth/token-source.ts';
import type { NodeClock } from './clocks.ts';
import { instanceHooks, wakeAfter } from './instance-hooks.ts';
import type { InstanceAlive, SimulatedKeyStore } from './key-store.ts';
import { ProviderCaller } from './provider-caller.ts';
import type { WorldContext } from './world-context.ts';

/** What a browser loads when it opens the document (and again after a crash): its provider, its token provider. */
export type BrowserModules =
  | { readonly ok: true; readonly caller: ProviderCaller; readonly tokens: ClientTokens | undefined }
  | { readonly ok: false; readonly failure: ClientFailure };

/** What loading needs from the browser. */
export interface BrowserParts {
  readonly world: WorldContext;
  readonly clientId: string;
  readonly clock: NodeClock;
  readonly keyStore: SimulatedKeyStore;
  /** Whether this load's instance still runs: false once the browser crashes (its timers and requests stop). */
  readonly alive: InstanceAlive;
  /** The browser as its token provider sees it; asked for only when authentication is on. */
  readonly tokenClient: () => TokenClient;
}

/**
 * Makes a fresh instance of the provider module (and of the token provider module, with authentication on)
 * for one browser, wired to its clock, its seeded stream and the shared key store. A module that cannot be
 * created is a `provider-contract` record and the reason the browser gives up.
 */
export function loadBrowserModules(parts: BrowserParts): BrowserModules {
  const { world, clientId, clock } = parts;
  const created = createClientProvider(world, { clientId, clock, keyStore: parts.keyStore, alive: parts.alive, pageOpen: parts.alive });
  if (!created.ok) {
    world.emit({ kind: 'provider-contract', actor: clientId, problem: created.problem });
    return { ok: false, failure: { kind: 'module-not-created', module: 'provider', problem: created.problem } };
  }
  const caller = new ProviderCaller(world, clientId, created.provider, world.config.livenessBoundMs);
  if (world.tokens === undefined) return { ok: true, caller, tokens: undefined };
  // The token provider's own sandbox, or the provider's realm for the built-in signer.
  const tokenRealm = world.tokens.realm ?? world.source.realm;
  const tokenEnv = tokenProviderEnv(clientId, () => clock.read(world.queue.nowMs), tokenRealm, world.hostWork);
  const tokens = world.tokens.create(tokenEnv, instanceHooks(world, clientId, clock, tokenRealm, parts.alive));
  if (!tokens.ok) {
    world.emit({ kind: 'provider-contract', actor: clientId, problem: tokens.problem });
    return { ok: false, failure: { kind: 'module-not-created', module: 'token provider', problem: tokens.problem } };
  }
  return { ok: true, caller, tokens: new ClientTokens(world, parts.tokenClient(), tokens.provider) };
}

/** Who a provider instance is made for: a browser, or a retention probe. */
export interface ProviderOwner {
  readonly clientId: string;
  readonly clock: NodeClock;
  readonly keyStore: SimulatedKeyStore;
  /** Whether the instance still runs, for its key store and sleeps; absent: always (a probe never crashes). */
  readonly alive?: InstanceAlive;
  /** Whether its page is still open, for the page's timers, storage and tabs: a browser's while it runs; a probe closes its page when done. */
  readonly pageOpen: InstanceAlive;
}

/**
 * The one place a provider env is built and a provider instance made from it, for browsers and probes
 * alike: the owner's clock, its seeded stream, its virtual-time sleep and its view of the key store.
 */
export function createClientProvider(world: WorldContext, owner: ProviderOwner): CreatedProvider {
  const { clientId, clock } = owner;
  const env = createProviderEnv({
    clientId,
    clock: () => clock.read(world.queue.nowMs),
    random: world.streams.get(`client:${clientId}`),
    realm: world.source.realm,
    keyStore: owner.keyStore.viewFor(clientId, owner.alive),
    wakeAfter: wakeAfter(world, clientId, owner.alive),
  });
  return world.source.create(env, instanceHooks(world, clientId, clock, world.source.realm, owner.pageOpen));
}
