import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compileFakeIndexedDb, fakeIndexedDbScript, inertIndexedDb, realmPromise } from '../../src/model/browser/indexed-db.ts';
import { pageStorage } from '../../src/model/browser/page-storage.ts';
import type { NodeClock } from '../../src/model/clocks.ts';
import { createHostRealm, type Realm } from '../../src/providers/realm.ts';
import { fakeWorld, runQueue, type FakeWorld } from './support.ts';

// A profile's IndexedDB (fake-indexeddb, one copy per profile) on a hand-built world: its tasks are kernel
// events, its events' time is the profile's clock, its promises settle in the page's realm.

// What a test reaches of fake-indexeddb: loosely typed, as a page's script sees it.
type Loose = Record<string, any>;

function clockAt(baseMs: number): NodeClock {
  return { skewMs: 0, driftPpm: 0, read: (virtualMs) => baseMs + virtualMs, synchronise: () => undefined };
}

function idbOf(world: FakeWorld, clientId: string, baseMs = 7_000): Loose {
  return pageStorage(world, clientId, clockAt(baseMs), world.source.realm).indexedDb() as Loose;
}

/** Opens database `name` (version 1) with one object store `s`, writes `k = v` and closes it; resolves with what happened. */
async function openAndWrite(world: FakeWorld, idb: Loose, name = 'db'): Promise<string[]> {
  const seen: string[] = [];
  const request = idb['indexedDB'].open(name, 1);
  request.onupgradeneeded = (event: Loose) => {
    seen.push(`upgrade at ${event['timeStamp']}`);
    request.result.createObjectStore('s');
  };
  request.onsuccess = (event: Loose) => {
    seen.push(`open at ${event['timeStamp']}`);
    const db = request.result;
    const tx = db.transaction('s', 'readwrite');
    tx.objectStore('s').put('v', 'k');
    tx.objectStore('s').put('dated', new Date(Date.UTC(2026, 0, 1)));
    tx.oncomplete = () => {
      seen.push('written');
      db.close();
    };
  };
  await runQueue(world);
  return seen;
}

/** Reads key `key` of store `s` of database `name`, as `value` or `missing`, or why it failed. */
async function read(world: FakeWorld, idb: Loose, key: unknown, name = 'db'): Promise<string> {
  let answer = 'nothing happened';
  const request = idb['indexedDB'].open(name);
  request.onsuccess = () => {
    const db = request.result;
    try {
      const get = db.transaction('s').objectStore('s').get(key);
      get.onsuccess = () => {
        answer = get.result ?? 'missing';
        db.close();
      };
    } catch (error) {
      answer = (error as Error).name;
      db.close();
    }
  };
  await runQueue(world);
  return answer;
}

describe("a profile's IndexedDB", () => {
  it('opens, upgrades, writes and reads back in virtual time, its events stamped by the profile clock', async () => {
    const world = fakeWorld();
    const idb = idbOf(world, 'c1');
    expect(Object.keys(idb)).toEqual(expect.arrayContaining(['indexedDB', 'IDBKeyRange', 'IDBDatabase', 'IDBRequest']));
    expect(await openAndWrite(world, idb)).toEqual(['upgrade at 7000', 'open at 7000', 'written']);
    expect(await read(world, idb, 'k')).toBe('v');
    expect(await read(world, idb, new Date(Date.UTC(2026, 0, 1)))).toBe('dated');
    expect(await read(world, idb, 'other')).toBe('missing');
    expect(await read(world, idb, 'k', 'no such store')).toBe('NotFoundError');
  });

  it('each task is a kernel event keyed idb:<profile>#n on the profile lane, touching only the profile', async () => {
    const world = fakeWorld();
    const idb = idbOf(world, 'c1');
    idb['indexedDB'].open('db', 1);
    const [first] = world.queue.enabled();
    expect(first).toMatchObject({ key: 'idb:c1#1', actor: 'idb:c1', resources: ['idb:c1'], timing: 'async', dueMs: 0 });
    expect(first?.lane?.name).toBe('idb:c1');
    const keys: string[] = [];
    while (world.queue.enabled().length > 0) {
      const [next] = world.queue.enabled();
      if (next === undefined) break;
      keys.push(next.key);
      world.queue.take(next);
      next.action();
      await runQueue(world, -1);
    }
    expect(keys.slice(0, 3)).toEqual(['idb:c1#1', 'idb:c1#2', 'idb:c1#3']);
  });

  it("the profile's tabs share it and a reload keeps it; another browser has its own", async () => {
    const world = fakeWorld({ tabs: { c2: 'c1' } });
    const first = idbOf(world, 'c1');
    await openAndWrite(world, first);
    expect(idbOf(world, 'c1')).toBe(first);
    expect(idbOf(world, 'c2')).toBe(first);
    const elsewhere = idbOf(world, 'c3');
    expect(elsewhere).not.toBe(first);
    expect(await read(world, elsewhere, 'k')).toBe('NotFoundError');
  });

  it('its clock is that of the tab that first opened it', async () => {
    const world = fakeWorld({ tabs: { c2: 'c1' } });
    idbOf(world, 'c2', 90_000);
    expect(await openAndWrite(world, idbOf(world, 'c1', 7_000))).toEqual(['upgrade at 90000', 'open at 90000', 'written']);
  });

  it('a closed world runs no task still queued', async () => {
    const world = fakeWorld();
    const idb = idbOf(world, 'c1');
    let opened = false;
    idb['indexedDB'].open('db', 1).onsuccess = () => (opened = true);
    world.closed = true;
    await runQueue(world);
    expect(opened).toBe(false);
  });

  it("an error thrown out of a task (a versionchange listener's) is the profile's uncaught error on the console", async () => {
    const world = fakeWorld({ tabs: { c2: 'c1' } });
    const idb = idbOf(world, 'c2');
    // A connection whose versionchange listener closes it and throws, each time: told while the world wants it.
    const upgrade = async (version: number, wanted: string) => {
      const open = idb['indexedDB'].open('db', version);
      open.onsuccess = () => {
        open.result.onversionchange = () => {
          open.result.close();
          throw new RangeError('no upgrade');
        };
      };
      await runQueue(world);
      world.wanted = new Set([wanted]);
    };
    await upgrade(1, 'console');
    await upgrade(2, 'timer');
    await upgrade(3, 'console');
    expect(world.records).toEqual([{ kind: 'console', actor: 'c1', level: 'error', text: 'Uncaught AggregateError: ' }]);
  });
});

describe('the IndexedDB of the instance that checks exports', () => {
  it('accepts every call and never completes one, scheduling nothing', async () => {
    const idb = inertIndexedDb() as Loose;
    let events = 0;
    const request = idb['indexedDB'].open('db', 1);
    request.onsuccess = request.onerror = request.onupgradeneeded = () => events++;
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect([events, request.readyState]).toEqual([0, 'pending']);
  });
});

describe('fake-indexeddb compiled', () => {
  it('once per process, to a body that evaluates to the API; its errors name the bundle', () => {
    expect(fakeIndexedDbScript()).toBeInstanceOf(vm.Script);
    expect(fakeIndexedDbScript()).toBe(fakeIndexedDbScript());
    const module = { exports: {} as Loose };
    (compileFakeIndexedDb().runInThisContext() as (...args: unknown[]) => void)(module, module.exports, { setImmediate: () => undefined }, Date, Promise);
    expect(typeof module.exports['indexedDB'].open).toBe('function');
    let stack = '';
    try {
      module.exports['indexedDB'].open();
    } catch (error) {
      stack = String((error as Error).stack);
    }
    expect(stack).toContain('rtc-sim-fake-indexeddb.js');
  });
});

// The realm's promises, on a host realm that notes every value a deferred of the realm is resolved with.
function recordingRealm() {
  const host = createHostRealm();
  const resolvedWith: unknown[] = [];
  const realm: Realm = {
    deferred<T>() {
      const inner = host.deferred<T>();
      return {
        promise: inner.promise,
        resolve: (value: T) => {
          resolvedWith.push(value);
          inner.resolve(value);
        },
        reject: inner.reject,
      };
    },
    observe: (value, onValue, onError) => host.observe(value, onValue, onError),
    touch: () => host.touch(),
    settle: () => host.settle(),
  };
  return { realm, resolvedWith };
}

interface Thenable {
  then(onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown): Thenable;
  catch(onRejected?: (reason: unknown) => unknown): Thenable;
}
type PromiseClass = (new (executor: (resolve: (value: unknown) => void, reject: (reason: unknown) => void) => void) => Thenable) & { resolve(value: unknown): Thenable };

const hostTurns = async () => {
  for (let turn = 0; turn < 12; turn++) await new Promise((resolve) => setImmediate(resolve));
};

describe("the Promise fake-indexeddb's copy is given", () => {
  it('resolves, chains and passes values on through handlers that are not functions', async () => {
    const { realm } = recordingRealm();
    const RealmPromise = realmPromise(realm) as PromiseClass;
    const seen: unknown[] = [];
    new RealmPromise((resolve) => resolve(5)).then((value) => (value as number) * 2).then((value) => seen.push(value));
    RealmPromise.resolve('plain').then().then((value) => seen.push(value));
    new RealmPromise((_resolve, reject) => reject('refused')).then(() => seen.push('not this')).catch((reason) => seen.push(`caught ${reason}`));
    await hostTurns();
    expect(seen.sort()).toEqual([10, 'caught refused', 'plain']);
  });

  it('rejects when the executor or a handler throws', async () => {
    const { realm } = recordingRealm();
    const RealmPromise = realmPromise(realm) as PromiseClass;
    const seen: unknown[] = [];
    new RealmPromise(() => {
      throw new Error('executor');
    }).then(undefined, (reason) => seen.push((reason as Error).message));
    RealmPromise.resolve(1)
      .then(() => {
        throw new Error('handler');
      })
      .catch((reason) => seen.push((reason as Error).message));
    await hostTurns();
    expect(seen.sort()).toEqual(['executor', 'handler']);
  });

  it("adopts a promise of its own that a handler returns, itself, never through the page's promise", async () => {
    const { realm, resolvedWith } = recordingRealm();
    const RealmPromise = realmPromise(realm) as PromiseClass;
    const own = RealmPromise.resolve('inner');
    expect(RealmPromise.resolve(own)).toBe(own);
    const seen: unknown[] = [];
    RealmPromise.resolve(0)
      .then(() => own)
      .then((value) => seen.push(value));
    RealmPromise.resolve(0)
      .then(() => new RealmPromise((_resolve, reject) => reject('inner refused')))
      .catch((reason) => seen.push(reason));
    await hostTurns();
    expect(seen.sort()).toEqual(['inner', 'inner refused']);
    expect(resolvedWith.filter((value) => value instanceof RealmPromise)).toEqual([]);
  });
});
