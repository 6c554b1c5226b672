import { drawLatency } from '../config/swarm.ts';
import type { Deferred, Realm } from '../providers/realm.ts';
import type { KeyStore } from '../providers/types.ts';
import type { WorldContext } from './world-context.ts';
import { assertNever } from '../kernel/assert-never.ts';
import { decideIndeterminate, describeIndeterminate, type IndeterminateCause, type IndeterminateOutcome } from './indeterminate.ts';

/** The key-store protocol: one request per operation, carrying only what that operation needs. */
export type KeyStoreRequest =
  | { readonly operation: 'get'; readonly key: string }
  | { readonly operation: 'set'; readonly key: string; readonly value: string }
  | { readonly operation: 'setIfAbsent'; readonly key: string; readonly value: string }
  | { readonly operation: 'delete'; readonly key: string }
  | { readonly operation: 'list'; readonly prefix: string };

type Operation = KeyStoreRequest['operation'];

/** What a request answers: a value (or undefined), whether it wrote, the keys listed, or nothing. */
type KeyStoreResult = string | undefined | boolean | string[];

/** How long a key-store operation hit by a timeout fault takes to fail, unless the fault plan says (older plans). */
export const keyStoreTimeoutMs = 30_000;

/** Whether the provider instance that sent an operation is still running (false once its browser crashed). */
export type InstanceAlive = () => boolean;

const alwaysAlive: InstanceAlive = () => true;

interface Version {
  readonly value: string | undefined;
  readonly atMs: number;
}

/**
 * The backend shared by all providers. Each operation is its own asynchronous event with a seeded latency and
 * takes effect atomically when it completes — so a write a provider forgot to await can land after other
 * clients' operations, as it would against a real backend.
 *
 * Faults: during the fault phase an operation may fail (not applied) or time out — and a timed-out operation
 * may have been applied or not, as the plan's `keyStoreIndeterminateAppliedRate` decides (see
 * world/indeterminate.ts); an operation whose browser crashed before the answer came is decided the same way.
 * A scripted fault fails a client's n-th operation. In `eventual` mode, reads (get, list) come from a replica that does
 * not yet see writes younger than the lag; writes and setIfAbsent stay linearizable on the primary.
 */
export class SimulatedKeyStore {
  private readonly versions = new Map<string, Version[]>();
  private readonly operationCounts = new Map<string, number>();

  constructor(
    private readonly world: WorldContext,
    private readonly realm: Realm,
  ) {}

  /**
   * The key store as one client's provider (or the backend) sees it: each call checked, then sent as one
   * request; its promises belong to `realm`, where the caller's code runs (default: the providers'), and
   * nothing leaves once `alive` says the instance is gone (a crashed browser, a crashed backend process).
   */
  viewFor(clientId: string, alive: InstanceAlive = alwaysAlive, realm: Realm = this.realm): KeyStore {
    const send = <T>(operation: Operation, key: unknown, value: unknown, toRequest: () => KeyStoreRequest): Promise<T> => {
      const problem = argumentProblem(operation, key, value);
      if (problem !== undefined || this.world.closed) {
        const deferred = realm.deferred<T>();
        deferred.reject(new TypeError(problem ?? 'the simulation run has ended'));
        return deferred.promise;
      }
      // A crashed browser runs no code: whatever its old instance still tries to send never leaves it.
      if (!alive()) return realm.deferred<T>().promise;
      return this.operate(clientId, toRequest(), alive, realm) as Promise<T>;
    };
    return {
      get: (key) => send('get', key, undefined, () => ({ operation: 'get', key })),
      set: (key, value) => send('set', key, value, () => ({ operation: 'set', key, value })),
      setIfAbsent: (key, value) => send('setIfAbsent', key, value, () => ({ operation: 'setIfAbsent', key, value })),
      delete: (key) => send('delete', key, undefined, () => ({ operation: 'delete', key })),
      list: (prefix) => send('list', prefix, undefined, () => ({ operation: 'list', prefix })),
    };
  }

  /** Writes entries before the run starts (what a backend's `setup` stored), as if long before the race. */
  preload(entries: Iterable<readonly [string, string]>): void {
    for (const [key, value] of entries) this.write(key, value);
  }

  /** Ends an operation hit by a fault: nothing is applied, the provider's promise rejects. */
  failOperation(deferred: Deferred<unknown>, record: () => void, reason: string): void {
    record();
    deferred.reject(new Error(reason));
  }

  private operate(clientId: string, request: KeyStoreRequest, alive: InstanceAlive, realm: Realm): Promise<KeyStoreResult> {
    const deferred = realm.deferred<KeyStoreResult>();
    const count = (this.operationCounts.get(clientId) ?? 0) + 1;
    this.operationCounts.set(clientId, count);
    const fault = this.drawFault(clientId, count);
    const { operation } = request;
    const key = request.operation === 'list' ? request.prefix : request.key;
    const value = 'value' in request ? request.value : undefined;
    const isRead = operation === 'get' || operation === 'list';
    const record = (result: string, indeterminate?: IndeterminateOutcome): void => {
      if (!this.world.wants('store')) return;
      this.world.emit({ kind: 'store', actor: clientId, operation, key, ...(value === undefined ? {} : { value }), result, ...(indeterminate === undefined ? {} : { indeterminate }) });
    };
    const plan = this.world.config.faults;
    this.world.queue.async({
      key: `store:${clientId}#${count}`,
      actor: `store:${clientId}`,
      resources: isRead ? [clientId, `store:${key}`] : [clientId, `store:${key}`, 'store:list'],
      delayMs: fault === 'timeout' ? (plan?.keyStoreTimeoutMs ?? keyStoreTimeoutMs) : drawLatency(this.world.config.keyStore, this.world.streams.get('keyStore')),
      action: () => {
        if (fault === 'failure') {
          this.failOperation(deferred as Deferred<unknown>, () => record('FAILED (failure)'), 'key store: the operation failed (simulated fault)');
          return;
        }
        // Older plans: a timed-out operation was never applied, and a crashed browser's operation always was.
        const cause: IndeterminateCause | undefined = fault === 'timeout' ? 'timed-out' : alive() ? undefined : 'connection-dropped';
        if (cause !== undefined) {
          const appliedRate = plan?.keyStoreIndeterminateAppliedRate ?? (cause === 'timed-out' ? 0 : 1);
          const outcome = decideIndeterminate({ streams: this.world.streams, kind: 'key-store-operation', cause, appliedRate });
          if (outcome.applied) this.apply(request);
          record(`FAILED (${describeIndeterminate(outcome)})`, outcome);
          // The answer is lost: a timed-out caller gets an error; a crashed one is not there to get anything.
          if (cause === 'timed-out') deferred.reject(new Error('key store: the operation timed out (simulated fault); it may or may not have been applied'));
          return;
        }
        const result = this.apply(request);
        // A run that keeps no store records (a sweep) does not build their words.
        if (this.world.wants('store')) record(describeResult(operation, result));
        deferred.resolve(result);
      },
    });
    if (!isRead) this.world.moment({ kind: 'write-sent', client: clientId });
    return deferred.promise;
  }

  // A request takes effect, atomically, when its event runs.
  private apply(request: KeyStoreRequest): KeyStoreResult {
    switch (request.operation) {
      case 'get':
        return this.read(request.key);
      case 'set':
        this.write(request.key, request.value);
        return undefined;
      case 'setIfAbsent':
        if (this.latest(request.key) !== undefined) return false;
        this.write(request.key, request.value);
        return true;
      case 'delete':
        this.write(request.key, undefined);
        return undefined;
      case 'list':
        return [...this.versions.keys()].filter((key) => key.startsWith(request.prefix) && this.read(key) !== undefined).sort();
      default:
        return assertNever(request, 'key-store request');
    }
  }

  private drawFault(clientId: string, operationNumber: number): 'failure' | 'timeout' | undefined {
    const plan = this.world.config.faults;
    if (plan === undefined) return undefined;
    if (plan.events.some((event) => event.kind === 'key-store-failure' && event.client === clientId && event.operationNumber === operationNumber)) {
      return 'failure';
    }
    if (this.world.queue.reached(plan.phaseEndMs) || plan.keyStoreFailureRate + plan.keyStoreTimeoutRate === 0) return undefined;
    const draw = this.world.streams.get('keyStoreFaults').next();
    if (draw < plan.keyStoreFailureRate) return 'failure';
    return draw < plan.keyStoreFailureRate + plan.keyStoreTimeoutRate ? 'timeout' : undefined;
  }

  private write(key: string, value: string | undefined): void {
    let versions = this.versions.get(key);
    if (versions === undefined) {
      // Stryker disable next-line ArrayDeclaration: an extra first element is never read: reads look at the newest versions first and skip non-versions
      versions = [];
      this.versions.set(key, versions);
    }
    // The stamp is read back only by a lagging replica: in strong mode it observes nothing.
    const strong = this.world.config.keyStoreConsistency === undefined || this.world.config.keyStoreConsistency.mode === 'strong';
    versions.push({ value, atMs: strong ? this.world.queue.nowMsUnobserved : this.world.queue.nowMs });
  }

  private latest(key: string): string | undefined {
    return this.versions.get(key)?.at(-1)?.value;
  }

  // A read sees the newest version old enough for the replica: every version in strong mode.
  private read(key: string): string | undefined {
    const consistency = this.world.config.keyStoreConsistency;
    if (consistency === undefined || consistency.mode === 'strong') return this.latest(key);
    const visibleUntilMs = this.world.queue.nowMs - consistency.lagMs;
    // Stryker disable next-line ArrayDeclaration: an element that is no version is never visible, so the read is undefined either way
    const versions = this.versions.get(key) ?? [];
    for (let index = versions.length - 1; index >= 0; index--) {
      const version = versions[index] as Version;
      if (version.atMs <= visibleUntilMs) return version.value;
    }
    return undefined;
  }
}

function argumentProblem(operation: Operation, key: unknown, value: unknown): string | undefined {
  const name = operation === 'list' ? 'prefix' : 'key';
  if (typeof key !== 'string') return `keyStore.${operation}(${name}): ${name} must be a string, got ${typeof key}`;
  if ((operation === 'set' || operation === 'setIfAbsent') && typeof value !== 'string') {
    return `keyStore.${operation}(key, value): value must be a string, got ${typeof value}`;
  }
  return undefined;
}

function describeResult(operation: Operation, result: unknown): string {
  if (operation === 'set' || operation === 'delete') return 'ok';
  if (result === undefined) return 'undefined';
  if (typeof result === 'boolean') return String(result);
  return JSON.stringify(result);
}
