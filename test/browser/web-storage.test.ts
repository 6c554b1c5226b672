import { describe, expect, it } from 'vitest';
import { StorageArea, storageQuotaUnits, webStorage } from '../../src/model/browser/web-storage.ts';
import { noFaults } from '../../src/config/fault-plan.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { simulate } from '../../src/simulate.ts';
import { moduleSource, traceHash } from '../../properties/support.ts';
import { scratchModules } from '../cli-support.ts';

const { write: module } = scratchModules('rtc-sim-web-storage');

describe('Web Storage as browsers have it', () => {
  it('getItem, setItem, removeItem, clear, key and length, values as strings, in first-set order', () => {
    const storage = webStorage(new StorageArea());
    storage.setItem('b', '1');
    storage.setItem('a', 2 as unknown as string);
    expect([storage.length, storage.key(0), storage.key(1), storage.key(2)]).toEqual([2, 'b', 'a', null]);
    expect(storage.getItem('a')).toBe('2');
    expect(storage.getItem('missing')).toBeNull();
    storage.removeItem('b');
    expect(storage.length).toBe(1);
    storage.clear();
    expect(storage.length).toBe(0);
  });

  it('named properties read, write, list and delete items; the API is never shadowed', () => {
    const storage = webStorage(new StorageArea()) as Storage & Record<string, unknown>;
    storage['token'] = 'abc';
    storage.setItem('length', 'not the count');
    expect(storage.getItem('token')).toBe('abc');
    expect(storage['token']).toBe('abc');
    expect(Object.keys(storage)).toEqual(['token', 'length']);
    expect(storage.length).toBe(2);
    expect('token' in storage).toBe(true);
    delete storage['token'];
    expect(storage.getItem('token')).toBeNull();
  });

  it('a write past the 5 MiB quota throws QuotaExceededError and changes nothing', () => {
    const area = new StorageArea();
    const storage = webStorage(area);
    storage.setItem('big', 'x'.repeat(storageQuotaUnits - 10));
    let thrown: unknown;
    try {
      storage.setItem('more', 'y'.repeat(20));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DOMException);
    expect((thrown as DOMException).name).toBe('QuotaExceededError');
    expect(storage.getItem('more')).toBeNull();
  });

  it('two views of one area (two module instances of a tab) see each other\'s writes; changes are heard once each', () => {
    const area = new StorageArea();
    const heard: unknown[] = [];
    webStorage(area, (change) => heard.push(change)).setItem('k', 'v');
    webStorage(area).setItem('k', 'v');
    expect(webStorage(area).getItem('k')).toBe('v');
    expect(heard).toEqual([{ key: 'k', oldValue: null, newValue: 'v' }]);
  });
});

describe('a browser\'s storage in a run', () => {
  // Counts this tab's module instances in localStorage and sessionStorage, and in memory: a crash loses memory only.
  const counting = module(
    'counting.ts',
    `let loadsInMemory = 0;
export function createProvider() {
  loadsInMemory++;
  const local = Number(localStorage.getItem('loads') ?? 0) + 1;
  localStorage.setItem('loads', String(local));
  window.sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') ?? 0) + 1));
  return async ({ keyHint }) => {
    console.log('loads: memory ' + loadsInMemory + ', local ' + localStorage.loads + ', session ' + sessionStorage.getItem('loads'));
    return { key: 'k', keyHint: keyHint ?? 'v1' };
  };
}`,
  );

  it('localStorage and sessionStorage survive a crash and restart of the browser; memory does not; a retention probe starts empty', async () => {
    const source = await moduleSource(counting);
    const config = { ...drawConfig(1, { clients: 1, faultMode: 'never' }), arrivalTimesMs: [0], faults: { ...noFaults, phaseEndMs: 20_000, events: [{ kind: 'crash' as const, client: 'c1', atMs: 5, restartAfterMs: 500 }] } };
    const result = await simulate({ config, source, record: true });
    const lines = (result.trace ?? []).flatMap((record) => (record.kind === 'console' ? [`${record.actor} ${record.text}`] : []));
    expect(lines).toContain('c1 loads: memory 1, local 2, session 2');
    expect(lines).toContain('probe-1 loads: memory 1, local 1, session 1');
  });

  it('a page reload (a fault of its own) loses memory, keeps both storages, and the editor asks its provider again', async () => {
    const source = await moduleSource(counting);
    const config = { ...drawConfig(1, { clients: 1, faultMode: 'never' }), arrivalTimesMs: [0], faults: { ...noFaults, phaseEndMs: 20_000, events: [{ kind: 'page-reload' as const, client: 'c1', atMs: 5, reloadMs: 300 }] } };
    const result = await simulate({ config, source, record: true });
    const trace = result.trace ?? [];
    expect(trace.some((record) => record.kind === 'fault' && record.fault === 'page-reload' && record.actor === 'c1')).toBe(true);
    const lines = trace.flatMap((record) => (record.kind === 'console' ? [`${record.actor} ${record.text}`] : []));
    expect(lines).toContain('c1 loads: memory 1, local 2, session 2');
  });
});

describe('IndexedDB (fake-indexeddb, one copy per profile, its tasks kernel events)', () => {
  const counting = module(
    'idb-counting.ts',
    `const request = (req) => new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });
export function createProvider() {
  const opening = indexedDB.open('counts', 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('loads');
  const loads = request(opening).then(async (db) => {
    const store = db.transaction('loads', 'readwrite').objectStore('loads');
    const count = ((await request(store.get('n'))) ?? 0) + 1;
    await request(db.transaction('loads', 'readwrite').objectStore('loads').put(count, 'n'));
    return count;
  });
  return async ({ keyHint }) => {
    console.log('loads in IndexedDB: ' + (await loads) + ', ' + IDBKeyRange.bound(1, 5).includes(3));
    return { key: 'k', keyHint: keyHint ?? 'v1' };
  };
}`,
  );

  it('a database survives a crash of its browser, a probe starts without one, and a seed replays byte for byte', async () => {
    const source = await moduleSource(counting);
    const config = { ...drawConfig(2, { clients: 1, faultMode: 'never' }), arrivalTimesMs: [0], faults: { ...noFaults, phaseEndMs: 20_000, events: [{ kind: 'crash' as const, client: 'c1', atMs: 40, restartAfterMs: 500 }] } };
    const first = await simulate({ config, source, record: true });
    const lines = (first.trace ?? []).flatMap((record) => (record.kind === 'console' ? [`${record.actor} ${record.text}`] : []));
    expect(lines).toContain('c1 loads in IndexedDB: 2, true');
    expect(lines).toContain('probe-1 loads in IndexedDB: 1, true');
    expect((first.decisions ?? []).some((key) => String(key).startsWith('idb:c1#'))).toBe(true);
    const second = await simulate({ config, source: await moduleSource(counting), record: true });
    expect(traceHash(second)).toBe(traceHash(first));
  });
});
