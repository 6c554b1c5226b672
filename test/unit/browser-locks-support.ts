import { pageLocks } from '../../src/model/browser/web-locks.ts';
import { runQueue } from './support.ts';
import { tabsWorld } from './browser-tabs-support.ts';

/** What a lock callback gets. */
export type Lock = { readonly name: string; readonly mode: string } | null;
/** A lock as query() describes it. */
export type Described = { name: string; mode: string; clientId: string };
/** The page's `navigator.locks`, as the tests call it. */
export interface LockManager {
  request(name: unknown, optionsOrCallback: unknown, callback?: unknown): Promise<unknown>;
  query(): Promise<{ held: Described[]; pending: Described[] }>;
}

/**
 * The Web Locks of a world's tabs (c2 a second tab of c1's browser, c3 a browser of its own), with a log of
 * what each request's callback got and how its request ended, and a way to end a held lock's callback.
 */
export function lockWorld(tabs?: Readonly<Record<string, string>>) {
  const built = tabsWorld(tabs);
  const log: string[] = [];
  const managers = new Map<string, LockManager>();
  const locksOf = (clientId: string): LockManager => {
    let manager = managers.get(clientId);
    if (manager === undefined) {
      manager = pageLocks(built.parts(clientId)) as LockManager;
      managers.set(clientId, manager);
    }
    return manager;
  };
  const finishers = new Map<string, { resolve: (value: unknown) => void; reject: (reason: unknown) => void }>();
  /** Asks for a lock; the callback holds it until `finish(label)` (or returns `answer` at once when given). */
  const ask = (clientId: string, label: string, name: string, options?: object, answer?: () => unknown): Promise<unknown> => {
    const callback = (lock: Lock) => {
      log.push(`${label} gets ${lock === null ? 'null' : `${lock.name} ${lock.mode}`}`);
      if (answer !== undefined) return answer();
      return new Promise((resolve, reject) => finishers.set(label, { resolve, reject }));
    };
    const asked = options === undefined ? locksOf(clientId).request(name, callback) : locksOf(clientId).request(name, options, callback);
    asked.then(
      (value) => log.push(`${label} resolves ${String(value)}`),
      (reason: unknown) => log.push(`${label} rejects ${reason instanceof DOMException ? `${reason.name}: ${reason.message}` : String(reason)}`),
    );
    return asked;
  };
  const finish = (label: string, value: unknown = `${label} done`) => finishers.get(label)?.resolve(value);
  const fail = (label: string, reason: unknown) => finishers.get(label)?.reject(reason);
  const query = async (clientId = 'c1') => {
    const { held, pending } = await locksOf(clientId).query();
    const words = (entry: Described) => `${entry.clientId} ${entry.name} ${entry.mode}`;
    return { held: held.map(words), pending: pending.map(words) };
  };
  const run = async () => {
    await runQueue(built.world);
    return log.splice(0);
  };
  return { ...built, locksOf, ask, finish, fail, query, run };
}
