import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { describeThrown } from '../../errors.ts';
import { Lane } from '../../kernel/event.ts';
import type { WorldContext } from '../world-context.ts';
import type { Realm } from '../../providers/realm.ts';
import type { ProfileIndexedDb } from './page-services.ts';

export type { ProfileIndexedDb } from './page-services.ts';

/** What the profile's copy of fake-indexeddb runs on: the world's kernel, the profile's clock, the page's realm. */
export interface IndexedDbParts {
  readonly world: WorldContext;
  readonly profileId: string;
  /** The profile's wall clock (an event's `timeStamp`). */
  readonly clock: () => number;
  readonly realm: Realm;
}

let compiled: vm.Script | undefined;

/**
 * fake-indexeddb's CommonJS build bundled into one body, compiled once per process (at its first use): each
 * profile evaluates its own copy, so that its databases, and the scheduler its code reads from
 * `globalThis.setImmediate`, are the profile's. (Its `queueTask` looks the scheduler up on every call, so
 * nothing real is ever scheduled.)
 */
export function fakeIndexedDbScript(): vm.Script {
  return (compiled ??= compileFakeIndexedDb());
}

/** Bundles and compiles fake-indexeddb as a function of the globals each copy is given (uncached: see above). */
export function compileFakeIndexedDb(): vm.Script {
  const entry = createRequire(import.meta.url).resolve('fake-indexeddb');
  // Its CommonJS build requires only its own files (no package's main fields to choose, nothing to warn of).
  const bundled = buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', write: false });
  // Nothing written: the one bundle is in memory.
  const code = (bundled.outputFiles[0] as { readonly text: string }).text;
  return new vm.Script(`(function (module, exports, globalThis, Date, Promise, navigator, scheduler, setTimeout) {${code}\n})`, { filename: 'rtc-sim-fake-indexeddb.js' });
}

/**
 * A browser profile's IndexedDB: fake-indexeddb (a maintained, complete implementation of the standard), one
 * copy per profile, whose every task — a request's success, a transaction's completion, an upgrade — is a
 * kernel event keyed `idb:c1#n` on one FIFO lane per profile (IndexedDB's tasks keep their order; strategies
 * interleave them with everything else). The profile's tabs share it, a reload keeps it, a fresh probe has
 * none. A task still queued for a page that crashed still runs: the database is the profile's, not the page's.
 */
export function profileIndexedDb(parts: IndexedDbParts): ProfileIndexedDb {
  const { world, profileId, realm } = parts;
  const lane = new Lane(`idb:${profileId}`);
  let tasks = 0;
  const queueTask = (task: () => void): void => {
    world.queue.async(
      {
        key: `idb:${profileId}#${++tasks}`,
        actor: `idb:${profileId}`,
        resources: [`idb:${profileId}`],
        delayMs: 0,
        action: () => {
          if (world.closed) return;
          try {
            task();
          } catch (error) {
            if (world.wants('console')) world.emit({ kind: 'console', actor: profileId, level: 'error', text: `Uncaught ${describeThrown(error)}` });
          }
          realm.touch();
        },
      },
      lane,
    );
  };
  const routedDate = new Proxy(Date, { get: (target, key) => (key === 'now' ? parts.clock : Reflect.get(target, key)) });
  const module = { exports: {} as Record<string, unknown> };
  const evaluate = fakeIndexedDbScript().runInThisContext() as (...args: unknown[]) => void;
  evaluate(module, module.exports, { setImmediate: queueTask }, routedDate, realmPromise(realm), undefined, undefined, undefined);
  return module.exports;
}

/**
 * An IndexedDB that accepts every call and never completes one: for the one instance made to check a module's
 * exports at load, before any run exists (a module that opens its database at the top level still loads).
 */
export function inertIndexedDb(): ProfileIndexedDb {
  const module = { exports: {} as Record<string, unknown> };
  const evaluate = fakeIndexedDbScript().runInThisContext() as (...args: unknown[]) => void;
  evaluate(module, module.exports, { setImmediate: () => undefined }, Date, Promise, undefined, undefined, undefined);
  return module.exports;
}

/**
 * The `Promise` fake-indexeddb's copy is given: promises whose reactions run in the page's realm, which the
 * kernel drains between two events. (It chains the opening of connections on promises. With the host's, the
 * reactions would wait for the host's microtask queue, which the kernel does not drain, and `indexedDB.open`
 * would never succeed. A reaction goes to the queue of its handler's realm, so `then` hands the page's realm
 * its own functions through `observe`.) It has what the package uses: `new`, `resolve` and `then`.
 */
export function realmPromise(realm: Realm): unknown {
  class RealmPromise {
    private readonly settled: Promise<unknown>;

    constructor(executor: (resolve: (value: unknown) => void, reject: (reason: unknown) => void) => void) {
      const deferred = realm.deferred<unknown>();
      this.settled = deferred.promise;
      try {
        executor(deferred.resolve, deferred.reject);
      } catch (error) {
        deferred.reject(error);
      }
    }

    static resolve(value: unknown): RealmPromise {
      return value instanceof RealmPromise ? value : new RealmPromise((resolve) => resolve(value));
    }

    then(onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown): RealmPromise {
      return new RealmPromise((resolve, reject) => {
        const react = (handler: ((argument: unknown) => unknown) | undefined, passOn: (argument: unknown) => void) => (argument: unknown) => {
          if (typeof handler !== 'function') return passOn(argument);
          try {
            const result = handler(argument);
            // Adopted here, not by the page's promise: its adoption job would run on the host's queue.
            if (result instanceof RealmPromise) result.then(resolve, reject);
            else resolve(result);
          } catch (error) {
            reject(error);
          }
        };
        realm.observe(this.settled, react(onFulfilled, resolve), react(onRejected, reject));
      });
    }

    catch(onRejected?: (reason: unknown) => unknown): RealmPromise {
      return this.then(undefined, onRejected);
    }
  }
  return RealmPromise;
}
