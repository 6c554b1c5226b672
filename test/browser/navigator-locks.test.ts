import { describe, expect, it } from 'vitest';
import { noFaults } from '../../src/config/fault-plan.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { simulate } from '../../src/simulate.ts';
import { moduleSource, traceHash } from '../../properties/support.ts';
import { scratchModules } from '../cli-support.ts';

const { write: module } = scratchModules('rtc-sim-locks');

// Each tab takes the lock 'doc' for a while (its provider waits 50 ms under it) and logs when it gets and leaves it.
const locking = module(
  'locking.ts',
  `export function createProvider(env) {
  const me = env.clientId;
  return async ({ keyHint }) => {
    const got = await navigator.locks.request('doc', async (lock) => {
      console.log(me + ' holds ' + lock.name + ' ' + lock.mode);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { held, pending } = await navigator.locks.query();
      console.log(me + ' leaves; held ' + held.length + ', pending ' + pending.length);
      return 'v1';
    });
    const busy = await navigator.locks.request('doc', { ifAvailable: true }, (lock) => lock === null ? 'taken' : 'free');
    console.log(me + ' then finds the lock ' + busy + '; online ' + navigator.onLine + ', ' + typeof navigator.userAgent);
    return { key: 'k', keyHint: keyHint ?? got };
  };
}`,
);

// Opens a channel, reads localStorage, opens IndexedDB, starts an interval and asks for a lock at its top level, as browser modules do.
const topLevel = module(
  'top-level.ts',
  `const channel = new BroadcastChannel('keys');
const remembered = localStorage.getItem('k');
const opening = indexedDB.open('keys', 1);
const tick = setInterval(() => undefined, 60_000);
navigator.locks.request('boot', async () => undefined);
export default async function provider({ keyHint }) {
  return { key: remembered ?? 'k', keyHint: keyHint ?? (opening instanceof IDBOpenDBRequest && channel.name === 'keys' && tick ? 'v1' : 'v0') };
}`,
);

describe("the page's navigator and its Web Locks", () => {
  it('two tabs of one browser take a lock in turn, another browser never waits for it; the same seed gives the same trace', async () => {
    const config = { ...drawConfig(5, { clients: 3, faultMode: 'never' }), faults: noFaults, arrivalTimesMs: [0, 0, 0], tabs: { c2: 'c1' } };
    const source = await moduleSource(locking);
    const result = await simulate({ config, source, record: true });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const lines = (result.trace ?? []).flatMap((record) => (record.kind === 'console' ? [record.text] : []));
    // The tabs of c1's browser: one holds while the other waits; c3's browser has its own lock.
    // The tabs of c1's browser: never both holding (holds and leaves alternate), and one waited for the other.
    const tabs = lines.filter((line) => /^c[12] (holds|leaves)/.test(line));
    expect(tabs.length).toBeGreaterThanOrEqual(4);
    tabs.forEach((line, index) => expect(line.split(' ')[1]).toBe(index % 2 === 0 ? 'holds' : 'leaves;'));
    tabs.forEach((line, index) => index % 2 === 1 && expect(line.split(' ')[0]).toBe(tabs[index - 1]?.split(' ')[0]));
    expect(tabs.some((line) => line.endsWith('pending 1'))).toBe(true);
    expect(lines.some((line) => /^c[12] then finds the lock taken/.test(line))).toBe(true);
    // c3's browser has locks of its own: it never waits and never finds its lock taken.
    expect(lines).toContain('c3 holds doc exclusive');
    expect(lines.filter((line) => line.startsWith('c3 leaves')).every((line) => line.endsWith('pending 0'))).toBe(true);
    expect(lines.filter((line) => line.startsWith('c3 then')).every((line) => line === 'c3 then finds the lock free; online true, string')).toBe(true);
    expect(traceHash(await simulate({ config, source, record: true }))).toBe(traceHash(result));
  });

  it('a module that uses the page at its top level loads (BroadcastChannel, localStorage, IndexedDB, setInterval, navigator.locks) and runs', async () => {
    const loaded = await loadProviderSource(topLevel);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const result = await simulate({ config: { ...drawConfig(2, { clients: 2, faultMode: 'never' }), faults: noFaults }, source: loaded.value, record: true });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect((result.trace ?? []).some((record) => record.kind === 'provider-answer' && record.keyHint === 'v1')).toBe(true);
  });
});
