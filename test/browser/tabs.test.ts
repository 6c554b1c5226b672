import { describe, expect, it } from 'vitest';
import { noFaults } from '../../src/config/fault-plan.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { drawTabs } from '../../src/config/tabs.ts';
import { sweep } from '../../src/explore/sweep.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { simulate } from '../../src/simulate.ts';
import { moduleSource, traceHash } from '../../properties/support.ts';
import { scratchModules } from '../cli-support.ts';

const { write: module } = scratchModules('rtc-sim-tabs');

// Each tab writes who it is to localStorage and sessionStorage and says so on a BroadcastChannel; it logs
// what it hears, and what it finds when its provider is called.
const tabbed = module(
  'tabbed.ts',
  `export function createProvider(env) {
  const me = env.clientId;
  const channel = new BroadcastChannel('rtc');
  channel.onmessage = (event) => console.log(me + ' heard ' + event.data.from);
  addEventListener('storage', (event) => console.log(me + ' storage event ' + event.key + '=' + event.newValue));
  localStorage.setItem('last-tab', me);
  sessionStorage.setItem('tab', me);
  channel.postMessage({ from: me });
  return async ({ keyHint }) => {
    console.log(me + ' finds last-tab=' + localStorage.getItem('last-tab') + ', own tab=' + sessionStorage.getItem('tab'));
    return { key: 'k', keyHint: keyHint ?? 'v1' };
  };
}`,
);

describe('two tabs of one browser', () => {
  it('share localStorage and BroadcastChannel, hear each other\'s storage events, keep their own sessionStorage; another browser hears nothing', async () => {
    const config = { ...drawConfig(5, { clients: 3, faultMode: 'never' }), faults: noFaults, arrivalTimesMs: [0, 10, 20], tabs: { c2: 'c1' } };
    const result = await simulate({ config, source: await moduleSource(tabbed), record: true });
    const lines = (result.trace ?? []).flatMap((record) => (record.kind === 'console' ? [record.text] : []));
    expect(lines).toContain('c1 heard c2');
    expect(lines).toContain('c1 storage event last-tab=c2');
    expect(lines).toContain('c1 finds last-tab=c2, own tab=c1');
    expect(lines).toContain('c2 finds last-tab=c2, own tab=c2');
    expect(lines).toContain('c3 finds last-tab=c3, own tab=c3');
    expect(lines.filter((line) => line.startsWith('c3 heard') || line.startsWith('c3 storage') || line.endsWith('heard c3'))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('c2 storage'))).toEqual([]);
    expect(traceHash(await simulate({ config, source: await moduleSource(tabbed), record: true }))).toBe(traceHash(result));
  });

  it('the swarm draws a second tab in about a third of the worlds of several clients, from its own stream', () => {
    const drawn = Array.from({ length: 300 }, (_, seed) => drawTabs(forkStream(seed, 'tabs'), 3));
    const withTabs = drawn.filter((tabs) => tabs !== undefined).length;
    expect(withTabs).toBeGreaterThan(60);
    expect(withTabs).toBeLessThan(140);
    expect(drawTabs(forkStream(1, 'tabs'), 1)).toBeUndefined();
    expect(drawConfig(10, {}).tabs).toEqual({ c2: 'c1' });
  });

  it('a "latest key" cached per browser, not per document, is caught only because a second tab opens another document', async () => {
    const folder = new URL('../../examples/providers/fetch/', import.meta.url).pathname;
    const loaded = await loadProviderSource(`${folder}buggy-latest-key-in-local-storage.ts`, undefined, `${folder}backend.ts`);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const withoutTabs = await sweep({ source: loaded.value, runs: 30, seed: 1, pins: { tabs: {} } });
    expect(withoutTabs.verdict).toBe('pass');
    const withTabs = await sweep({ source: loaded.value, runs: 30, seed: 1, pins: {} });
    expect(withTabs.failure?.property).toBe('retention');
    expect(withTabs.failure?.config.tabs).toBeDefined();
  }, 120_000);
});
