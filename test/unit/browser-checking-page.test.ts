import { describe, expect, it } from 'vitest';
import { checkingPage } from '../../src/model/browser/checking-page.ts';

// The page the instance that checks a module's exports at load gets: every browser global works, none leads anywhere.

type Channel = EventTarget & { readonly name: string; onmessage: unknown; onmessageerror: unknown; postMessage(message: unknown): void; close(): void };
interface Locks {
  request(name: string, callback: () => unknown): Promise<unknown>;
  query(): Promise<{ held: unknown[]; pending: unknown[] }>;
}

const hostTurns = async () => {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the checking page', () => {
  it('has storage that works and keeps nothing: every area starts empty', () => {
    const { storage } = checkingPage();
    const local = storage.local();
    local.setItem('k', 'v');
    expect(local.getItem('k')).toBe('v');
    expect(storage.local().getItem('k')).toBeNull();
    const session = storage.session();
    session.setItem('s', '1');
    expect([session.length, storage.session().length]).toEqual([1, 0]);
    expect(storage.window()).toBeInstanceOf(EventTarget);
  });

  it('has timers that count and never fire', async () => {
    const { timers } = checkingPage();
    let fired = 0;
    expect([timers.set(() => fired++, 0, false), timers.set(() => fired++, 5, true), timers.set(() => fired++, 0, false)]).toEqual([1, 2, 3]);
    expect(timers.clear(2)).toBeUndefined();
    await hostTurns();
    expect(fired).toBe(0);
    // Another checking page counts from 1 again.
    expect(checkingPage().timers.set(() => fired++, 0, false)).toBe(1);
  });

  it('has a BroadcastChannel that clones what it posts and that no one hears', () => {
    const BroadcastChannel = checkingPage().storage.broadcastChannel() as new (name: unknown) => Channel;
    const channel = new BroadcastChannel(42);
    expect([channel.name, channel.onmessage, channel.onmessageerror]).toEqual(['42', null, null]);
    channel.postMessage({ ok: true });
    expect(() => channel.postMessage(() => undefined)).toThrow(DOMException);
    expect(channel.close()).toBeUndefined();
  });

  it('has a navigator online, whose locks are never granted and none held', async () => {
    const navigator = checkingPage().storage.navigator() as { onLine: boolean; locks: Locks };
    expect(navigator.onLine).toBe(true);
    let granted = false;
    let settled = false;
    const request = navigator.locks.request('key', () => (granted = true));
    expect(request).toBeInstanceOf(Promise);
    void request.then(() => (settled = true));
    expect(await navigator.locks.query()).toEqual({ held: [], pending: [] });
    await hostTurns();
    expect([granted, settled]).toEqual([false, false]);
  });

  it('has an IndexedDB that opens nothing', async () => {
    const idb = checkingPage().storage.indexedDb() as { indexedDB: { open(name: string): { onsuccess: unknown; readyState: string } } };
    const request = idb.indexedDB.open('db');
    let opened = false;
    request.onsuccess = () => (opened = true);
    await hostTurns();
    expect([opened, request.readyState]).toEqual([false, 'pending']);
  });
});
