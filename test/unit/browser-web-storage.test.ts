import { describe, expect, it } from 'vitest';
import { pageState } from '../../src/model/browser/page-state.ts';
import { pageStorage } from '../../src/model/browser/page-storage.ts';
import { StorageArea, storageQuotaUnits, webStorage, type StorageChange } from '../../src/model/browser/web-storage.ts';
import type { NodeClock } from '../../src/model/clocks.ts';
import { fakeWorld, runQueue, type FakeWorld } from './support.ts';

// localStorage and sessionStorage: the Web Storage API over one area, and a page's areas on a hand-built world.

function storageOf(area = new StorageArea()) {
  const changes: StorageChange[] = [];
  return { area, changes, storage: webStorage(area, (change) => changes.push(change)) };
}

function thrown(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Web Storage over one area', () => {
  it('getItem, setItem, removeItem, key and length: strings, in first-set order, null for what is not there', () => {
    const { storage } = storageOf();
    storage.setItem('b', '1');
    storage.setItem(7 as unknown as string, { toString: () => 'seven' } as unknown as string);
    storage.setItem('b', '2');
    expect([storage.length, storage.key(0), storage.key(1), storage.key(2), storage.key(-1)]).toEqual([2, 'b', '7', null, null]);
    // The index is Web IDL's unsigned long, as in browsers: truncated, NaN (no argument, not a number) is 0.
    const key = storage.key as (index?: unknown) => string | null;
    expect([key(1.9), key('1'), key('x'), key(), key(Number.POSITIVE_INFINITY), key(2 ** 32 + 1)]).toEqual(['7', '7', 'b', 'b', 'b', '7']);
    expect([storage.getItem('b'), storage.getItem(7 as unknown as string), storage.getItem('none')]).toEqual(['2', 'seven', null]);
    storage.setItem('empty', '');
    expect(storage.getItem('empty')).toBe('');
    storage.removeItem('b');
    expect([storage.length, storage.key(0), storage.getItem('b')]).toEqual([2, '7', null]);
  });

  it('setItem with fewer than two arguments throws a TypeError, as browsers do, and stores nothing', () => {
    const { storage, changes } = storageOf();
    const error = thrown(() => (storage.setItem as (key: string) => void)('only'));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("Failed to execute 'setItem' on 'Storage': 2 arguments required, but only 1 present.");
    expect(storage.length).toBe(0);
    storage.setItem('k', undefined as unknown as string);
    expect(storage.getItem('k')).toBe('undefined');
    expect(changes).toHaveLength(1);
  });

  it('tells every change that changed something, with the key and both values; a no-op tells nothing', () => {
    const { storage, changes } = storageOf();
    storage.setItem('k', 'v1');
    storage.setItem('k', 'v1');
    storage.setItem('k', 'v2');
    storage.removeItem('k');
    storage.removeItem('k');
    storage.clear();
    storage.setItem('a', '1');
    storage.clear();
    expect(changes).toEqual([
      { key: 'k', oldValue: null, newValue: 'v1' },
      { key: 'k', oldValue: 'v1', newValue: 'v2' },
      { key: 'k', oldValue: 'v2', newValue: null },
      { key: 'a', oldValue: null, newValue: '1' },
      { key: null, oldValue: null, newValue: null },
    ]);
    expect(storage.length).toBe(0);
  });

  it('counts the UTF-16 code units it holds, keys and values, through every change', () => {
    const { storage, area } = storageOf();
    storage.setItem('key', 'value');
    expect(area.used).toBe(8);
    storage.setItem('key', 'v');
    expect(area.used).toBe(4);
    storage.setItem('é', '😀');
    expect(area.used).toBe(7);
    storage.removeItem('key');
    expect(area.used).toBe(3);
    storage.removeItem('key');
    expect(area.used).toBe(3);
    storage.clear();
    expect(area.used).toBe(0);
  });

  it('holds exactly its quota; one code unit past it throws QuotaExceededError and changes nothing', () => {
    const { storage, area, changes } = storageOf();
    storage.setItem('k', 'x'.repeat(storageQuotaUnits - 2));
    storage.setItem('m', '');
    expect(area.used).toBe(storageQuotaUnits);
    const error = thrown(() => storage.setItem('n', ''));
    expect(error).toBeInstanceOf(DOMException);
    expect([(error as DOMException).name, (error as DOMException).message]).toEqual(['QuotaExceededError', "Failed to execute 'setItem' on 'Storage': Setting the value of 'n' exceeded the quota."]);
    expect([storage.getItem('n'), area.used, changes.length]).toEqual([null, storageQuotaUnits, 2]);
    // A write that replaces a value counts the old one out: shrinking near the quota works.
    storage.setItem('k', 'x'.repeat(storageQuotaUnits - 3));
    expect(area.used).toBe(storageQuotaUnits - 1);
    storage.setItem('n', '');
    expect(area.used).toBe(storageQuotaUnits);
  });

  it('named properties read, write, list and delete items; the API is never shadowed', () => {
    const { storage, changes } = storageOf();
    const named = storage as Storage & Record<string, unknown>;
    named['token'] = 'abc';
    storage.setItem('length', 'not the count');
    storage.setItem('getItem', 'not the method');
    expect([named['token'], named['missing'], storage.length, typeof named['getItem']]).toEqual(['abc', undefined, 3, 'function']);
    expect(Object.keys(storage)).toEqual(['token', 'length', 'getItem']);
    expect(Object.getOwnPropertyDescriptor(storage, 'token')).toEqual({ value: 'abc', writable: true, enumerable: true, configurable: true });
    expect(Object.getOwnPropertyDescriptor(storage, 'missing')).toBeUndefined();
    expect(['token' in storage, 'setItem' in storage, 'missing' in storage]).toEqual([true, true, false]);
    storage.setItem('clear', 'an item named like a method');
    delete named['token'];
    delete (named as Record<string, unknown>)['clear'];
    expect([storage.getItem('token'), typeof storage.clear, storage.getItem('clear')]).toEqual([null, 'function', 'an item named like a method']);
    expect(changes.map((change) => change.key)).toEqual(['token', 'length', 'getItem', 'clear', 'token']);
    // A symbol-keyed property is the object's own, never an item.
    const tag = Symbol('tag');
    const bySymbol = storage as unknown as Record<symbol, unknown>;
    bySymbol[tag] = 'tagged';
    expect([bySymbol[tag], storage.length]).toEqual(['tagged', 3]);
  });

  it('two views of one area see each other; a view without a listener tells no one', () => {
    const area = new StorageArea();
    const { storage, changes } = storageOf(area);
    webStorage(area).setItem('k', 'v');
    expect([storage.getItem('k'), changes]).toEqual(['v', []]);
  });
});

// A page of tab `clientId` on `world`: its storage as a module instance sees it, with its window's storage events.
function page(world: FakeWorld, clientId: string, options: { alive?: () => boolean; readClock?: (virtualMs: number) => number } = {}) {
  const clock: NodeClock = { skewMs: 0, driftPpm: 0, read: options.readClock ?? ((virtualMs) => 5_000 + virtualMs), synchronise: () => undefined };
  const storage = options.alive === undefined ? pageStorage(world, clientId, clock, world.source.realm) : pageStorage(world, clientId, clock, world.source.realm, options.alive);
  const heard: string[] = [];
  storage.window().addEventListener('storage', (event) => {
    const { key, oldValue, newValue, url } = event as Event & StorageChange & { url: string };
    heard.push(`${key} ${oldValue} → ${newValue} at ${url}`);
  });
  return { storage, heard };
}

describe("a page's storage areas", () => {
  it("localStorage is the profile's: a reload or crash keeps it, a second tab shares it, another browser does not", () => {
    const world = fakeWorld({ tabs: { c2: 'c1' } });
    page(world, 'c1').storage.local().setItem('token', 't1');
    const reloaded = page(world, 'c1').storage.local();
    expect(reloaded.getItem('token')).toBe('t1');
    expect(page(world, 'c2').storage.local().getItem('token')).toBe('t1');
    expect(page(world, 'c3').storage.local().getItem('token')).toBeNull();
    expect(page(fakeWorld({ tabs: { c2: 'c1' } }), 'c1').storage.local().getItem('token')).toBeNull();
  });

  it("sessionStorage is the tab's: a reload keeps it, a second tab of the browser has its own", () => {
    const world = fakeWorld({ tabs: { c2: 'c1' } });
    page(world, 'c1').storage.session().setItem('draft', 'd1');
    expect(page(world, 'c1').storage.session().getItem('draft')).toBe('d1');
    expect(page(world, 'c2').storage.session().getItem('draft')).toBeNull();
    expect(page(world, 'c1').storage.local().getItem('draft')).toBeNull();
  });

  it('a change to localStorage is a storage event for every other tab of the profile, with the page URL, never the writer', async () => {
    const world = fakeWorld({ tabs: { c2: 'c1', c3: 'c1' }, origin: 'http://localhost:8080' });
    const writer = page(world, 'c1');
    const second = page(world, 'c2');
    const third = page(world, 'c3');
    const elsewhere = page(world, 'c4');
    writer.storage.local().setItem('k', 'v');
    writer.storage.local().removeItem('k');
    writer.storage.session().setItem('s', 'session changes are not told');
    expect(second.heard).toEqual([]);
    await runQueue(world);
    const told = ['k null → v at http://localhost:8080/', 'k v → null at http://localhost:8080/'];
    expect([second.heard, third.heard, writer.heard, elsewhere.heard]).toEqual([told, told, [], []]);
  });

  it('a world with no origin set tells the default origin', async () => {
    const world = fakeWorld({ tabs: { c2: 'c1' }, origin: undefined });
    const second = page(world, 'c2');
    page(world, 'c1').storage.local().setItem('k', 'v');
    await runQueue(world);
    expect(second.heard).toEqual(['k null → v at https://app.example/']);
  });

  it("an instance's window is made once; a crashed instance hears nothing, the tab's reload does", async () => {
    const world = fakeWorld({ tabs: { c2: 'c1' } });
    let up = true;
    const crashed = page(world, 'c2', { alive: () => up });
    expect(crashed.storage.window()).toBe(crashed.storage.window());
    expect(pageState(world, 'c2').instances).toHaveLength(1);
    up = false;
    const reloaded = page(world, 'c2');
    page(world, 'c1').storage.local().setItem('k', 'v');
    await runQueue(world);
    expect([crashed.heard, reloaded.heard]).toEqual([[], ['k null → v at https://app.example/']]);
  });

  it("gives the page its BroadcastChannel and navigator, bound to the tab and the instance's life", async () => {
    const world = fakeWorld({ tabs: { c2: 'c1' } });
    let up = true;
    const receiver = pageStorage(world, 'c2', { skewMs: 0, driftPpm: 0, read: (ms) => ms, synchronise: () => undefined }, world.source.realm, () => up);
    const Channel = receiver.broadcastChannel() as new (name: string) => EventTarget & { postMessage(data: unknown): void; onmessage: ((event: MessageEvent) => void) | null };
    const heard: unknown[] = [];
    new Channel('sync').onmessage = (event) => heard.push(event.data);
    const Sender = page(world, 'c1').storage.broadcastChannel() as typeof Channel;
    new Sender('sync').postMessage({ n: 1 });
    await runQueue(world);
    up = false;
    new Sender('sync').postMessage({ n: 2 });
    await runQueue(world);
    expect(heard).toEqual([{ n: 1 }]);

    const navigator = receiver.navigator() as { onLine: boolean; locks: { request(name: string, callback: () => unknown): Promise<unknown> } };
    expect(navigator.onLine).toBe(true);
    const held = page(world, 'c1').storage.navigator() as typeof navigator;
    const granted: string[] = [];
    void held.locks.request('key-store', () => granted.push('c1'));
    await runQueue(world);
    expect(granted).toEqual(['c1']);
  });
});
