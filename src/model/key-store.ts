import { drawLatency } from '../config/swarm.ts';
import type { Realm } from '../providers/realm.ts';
import type { KeyStore } from '../providers/types.ts';
import type { WorldContext } from './world-context.ts';

type Operation = 'get' | 'set' | 'setIfAbsent' | 'delete' | 'list';

/**
 * The backend shared by all providers. Each operation is its own asynchronous event with a seeded latency and
 * takes effect atomically when it completes — so a write a provider forgot to await can land after other
 * clients' operations, as it would against a real backend.
 */
export class SimulatedKeyStore {
  private readonly data = new Map<string, string>();
  private readonly operationCounts = new Map<string, number>();

  constructor(
    private readonly world: WorldContext,
    private readonly realm: Realm,
  ) {}

  /** The key store as one client's provider sees it. */
  viewFor(clientId: string): KeyStore {
    return {
      get: (key) => this.operate(clientId, 'get', key, undefined, () => this.data.get(key)),
      set: (key, value) =>
        this.operate(clientId, 'set', key, value, () => {
          this.data.set(key, value);
        }),
      setIfAbsent: (key, value) =>
        this.operate(clientId, 'setIfAbsent', key, value, () => {
          if (this.data.has(key)) return false;
          this.data.set(key, value);
          return true;
        }),
      delete: (key) =>
        this.operate(clientId, 'delete', key, undefined, () => {
          this.data.delete(key);
        }),
      list: (prefix) =>
        this.operate(clientId, 'list', prefix, undefined, () =>
          [...this.data.keys()].filter((key) => key.startsWith(prefix)).sort(),
        ),
    };
  }

  private operate<T>(
    clientId: string,
    operation: Operation,
    key: unknown,
    value: unknown,
    apply: () => T,
  ): Promise<T> {
    const deferred = this.realm.deferred<T>();
    const problem = argumentProblem(operation, key, value);
    if (problem !== undefined || this.world.closed) {
      deferred.reject(new TypeError(problem ?? 'the simulation run has ended'));
      return deferred.promise;
    }
    const count = (this.operationCounts.get(clientId) ?? 0) + 1;
    this.operationCounts.set(clientId, count);
    const isRead = operation === 'get' || operation === 'list';
    this.world.queue.async({
      key: `store:${clientId}#${count}`,
      actor: `store:${clientId}`,
      resources: isRead ? [clientId, `store:${String(key)}`] : [clientId, `store:${String(key)}`, 'store:list'],
      delayMs: drawLatency(this.world.config.keyStore, this.world.streams.get('keyStore').next),
      action: () => {
        const result = apply();
        this.world.emit({
          kind: 'store',
          actor: clientId,
          operation,
          key: key as string,
          ...(value === undefined ? {} : { value: value as string }),
          result: describeResult(operation, result),
        });
        deferred.resolve(result);
      },
    });
    return deferred.promise;
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
