import type { Deferred } from '../../providers/realm.ts';
import { pageState, type ProfileState } from './page-state.ts';
import { deliverToTab, type TabParts } from './tab-messages.ts';

/** One request for a lock of a profile, waiting or held. */
interface LockRequest {
  readonly name: string;
  readonly mode: 'exclusive' | 'shared';
  readonly tab: string;
  /** False once the page that asked has crashed or reloaded: a browser then releases its locks and drops its requests. */
  readonly alive: () => boolean;
  /** Runs the request's callback with its lock, as a task of its tab. */
  readonly grant: () => void;
  /** Ends a waiting request that was aborted, with the abort's reason. */
  readonly abort: (reason: unknown) => void;
}

/** The locks of one profile: held, and waiting in the order they were asked for. */
class ProfileLocks {
  readonly held: LockRequest[] = [];
  readonly waiting: LockRequest[] = [];
}

const locksOf = new WeakMap<ProfileState, ProfileLocks>();

function profileLocks(profile: ProfileState): ProfileLocks {
  let locks = locksOf.get(profile);
  if (locks === undefined) {
    locks = new ProfileLocks();
    locksOf.set(profile, locks);
  }
  return locks;
}

interface LockOptions {
  readonly mode?: unknown;
  readonly ifAvailable?: unknown;
  readonly steal?: unknown;
  readonly signal?: AbortSignal;
}

type LockCallback = (lock: { readonly name: string; readonly mode: string } | null) => unknown;

// A request may be granted when no earlier request for the name waits (a lock is granted in the order it was
// asked for: a shared request does not overtake an exclusive one waiting) and its mode fits what is held.
function grantable(locks: ProfileLocks, request: Pick<LockRequest, 'name' | 'mode'>, waitingAhead: readonly LockRequest[]): boolean {
  if (waitingAhead.some((other) => other.name === request.name)) return false;
  const held = locks.held.filter((other) => other.name === request.name);
  return request.mode === 'exclusive' ? held.length === 0 : held.every((other) => other.mode === 'shared');
}

// Locks of crashed pages are released, their waiting requests dropped; then every waiting request that can be
// granted is, in order: a request is checked against those still waiting before it.
function grantWaiting(locks: ProfileLocks): void {
  keepAlive(locks.held);
  const waiting = keepAlive(locks.waiting).splice(0);
  for (const request of waiting) {
    if (grantable(locks, request, locks.waiting)) {
      locks.held.push(request);
      request.grant();
    } else {
      locks.waiting.push(request);
    }
  }
}

// Drops, in place, the requests of pages that crashed or reloaded.
function keepAlive(requests: LockRequest[]): LockRequest[] {
  const alive = requests.filter((request) => request.alive());
  requests.splice(0, requests.length, ...alive);
  return requests;
}

/**
 * The page's `navigator.locks` (the Web Locks API): locks named per browser profile, so that the tabs of one
 * browser exclude each other and other browsers never see them. `request(name, [options], callback)` runs the
 * callback with the lock as a task of the tab (a kernel event: strategies interleave grants with everything
 * else) and holds it until the callback's promise settles; `mode: 'shared'`, `ifAvailable` (the callback gets
 * null when the lock is taken), `steal` and `signal` behave as in browsers; `query()` lists held and waiting
 * locks. A page that crashes or reloads loses its locks: they are released when the profile's locks are next
 * asked for or released.
 */
export function pageLocks(parts: TabParts & { readonly alive: () => boolean }): object {
  const { world, realm, clientId } = parts;
  const state = pageState(world, clientId);
  const locks = profileLocks(state.profile);
  const run = (callback: LockCallback, lock: { name: string; mode: string } | null, settle: Deferred<unknown>, release: () => void): void => {
    deliverToTab(parts, state, clientId, () => {
      let returned: unknown;
      try {
        returned = callback(lock);
      } catch (error) {
        release();
        settle.reject(error);
        return;
      }
      realm.observe(
        returned,
        (value) => {
          release();
          settle.resolve(value);
        },
        (reason) => {
          release();
          settle.reject(reason);
        },
      );
    });
  };
  const request = (name: unknown, optionsOrCallback: unknown, maybeCallback?: unknown): Promise<unknown> => {
    const settle = realm.deferred<unknown>();
    const [options, callback] = (typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback] : [optionsOrCallback ?? {}, maybeCallback]) as [LockOptions, unknown];
    const lockName = String(name);
    const mode = options.mode === undefined ? 'exclusive' : options.mode;
    if (typeof callback !== 'function') settle.reject(new TypeError("Failed to execute 'request' on 'LockManager': parameter is not a function."));
    else if (lockName.startsWith('-')) settle.reject(new DOMException("Failed to execute 'request' on 'LockManager': Names cannot start with '-'.", 'NotSupportedError'));
    else if (mode !== 'exclusive' && mode !== 'shared') settle.reject(new TypeError(`Failed to execute 'request' on 'LockManager': The provided value '${String(mode)}' is not a valid enum value of type LockMode.`));
    else if (options.steal === true && (options.ifAvailable === true || mode !== 'exclusive')) settle.reject(new DOMException("Failed to execute 'request' on 'LockManager': The 'steal' option may only be used with 'exclusive' locks, and not with 'ifAvailable'.", 'NotSupportedError'));
    else if (options.signal?.aborted === true) settle.reject(options.signal.reason);
    else ask(lockName, mode, options, callback as LockCallback, settle);
    return settle.promise;
  };
  const ask = (name: string, mode: 'exclusive' | 'shared', options: LockOptions, callback: LockCallback, settle: Deferred<unknown>): void => {
    const lock = { name, mode };
    const entry: LockRequest = {
      name,
      mode,
      tab: clientId,
      alive: parts.alive,
      grant: () => run(callback, lock, settle, () => release(entry)),
      abort: (reason) => settle.reject(reason),
    };
    grantWaiting(locks);
    if (options.steal === true) {
      // The lock is taken from its holders, whose requests reject; their callbacks run on, holding nothing.
      for (const stolen of locks.held.filter((other) => other.name === name)) {
        locks.held.splice(locks.held.indexOf(stolen), 1);
        stolen.abort(new DOMException("Lock broken by another request with the 'steal' option.", 'AbortError'));
      }
      locks.held.push(entry);
      entry.grant();
      return;
    }
    if (grantable(locks, entry, locks.waiting)) {
      locks.held.push(entry);
      entry.grant();
      return;
    }
    if (options.ifAvailable === true) {
      run(callback, null, settle, () => undefined);
      return;
    }
    locks.waiting.push(entry);
    const signal = options.signal;
    signal?.addEventListener('abort', () => {
      const index = locks.waiting.indexOf(entry);
      if (index < 0) return;
      locks.waiting.splice(index, 1);
      entry.abort(signal.reason);
      // Those that waited behind it (a shared request behind an aborted exclusive one) may go now.
      grantWaiting(locks);
    });
  };
  const release = (entry: LockRequest): void => {
    const index = locks.held.indexOf(entry);
    if (index >= 0) locks.held.splice(index, 1);
    grantWaiting(locks);
  };
  const query = (): Promise<unknown> => {
    grantWaiting(locks);
    const describe = (entry: LockRequest) => ({ name: entry.name, mode: entry.mode, clientId: entry.tab });
    const settle = realm.deferred<unknown>();
    settle.resolve({ held: locks.held.map(describe), pending: locks.waiting.map(describe) });
    return settle.promise;
  };
  return { request, query };
}
