import { describe, expect, it } from 'vitest';
import { noteAbort, pageState } from '../../src/model/browser/page-state.ts';
import { pageTimers } from '../../src/model/browser/page-timers.ts';
import type { NodeClock } from '../../src/model/clocks.ts';
import { fakeWorld, runQueue, type FakeWorld } from './support.ts';

// A page's setTimeout / setInterval on a hand-built world: each firing a kernel timer event, run by runQueue.

function clockOf(driftPpm = 0): NodeClock {
  return { skewMs: 0, driftPpm, read: (virtualMs) => 1_000_000 + virtualMs, synchronise: () => undefined };
}

function page(options: { world?: FakeWorld; clientId?: string; driftPpm?: number } = {}) {
  const world = options.world ?? fakeWorld();
  const clientId = options.clientId ?? 'c1';
  let alive = true;
  const timers = pageTimers({ world, clientId, clock: clockOf(options.driftPpm), realm: world.source.realm, alive: () => alive });
  const fired: string[] = [];
  // A callback that notes the virtual time it ran at.
  const note = (name: string) => () => {
    fired.push(`${name}@${world.queue.nowMsUnobserved}`);
  };
  return { world, timers, fired, note, crash: () => (alive = false) };
}

const timerRecords = (world: FakeWorld) => world.records.filter((record) => record.kind === 'timer');

describe('page timers on the virtual clock', () => {
  it('timeouts fire once each at their delay, in time order then set order, numbered 1, 2, 3 and recorded', async () => {
    const { world, timers, fired, note } = page();
    const ids = [timers.set(note('late'), 300, false), timers.set(note('soon'), 100, false), timers.set(note('tie'), 100, false), timers.set(note('now'), 0, false)];
    expect(ids).toEqual([1, 2, 3, 4]);
    await runQueue(world);
    expect(fired).toEqual(['now@0', 'soon@100', 'tie@100', 'late@300']);
    expect(timerRecords(world)).toEqual([
      { kind: 'timer', actor: 'c1', timer: 4, source: 'setTimeout', delayMs: 0, aborted: [] },
      { kind: 'timer', actor: 'c1', timer: 2, source: 'setTimeout', delayMs: 100, aborted: [] },
      { kind: 'timer', actor: 'c1', timer: 3, source: 'setTimeout', delayMs: 100, aborted: [] },
      { kind: 'timer', actor: 'c1', timer: 1, source: 'setTimeout', delayMs: 300, aborted: [] },
    ]);
  });

  it('each timer is a kernel timer event keyed by its tab and number, touching only that tab', () => {
    const { world, timers, note } = page({ clientId: 'c7' });
    timers.set(note('a'), 50, false);
    const [event] = world.queue.enabled();
    expect(event).toMatchObject({ key: 'timer:c7#1', actor: 'c7', resources: ['c7'], timing: 'timer', dueMs: 50 });
  });

  it('a negative delay is a zero delay', async () => {
    const { world, timers, fired, note } = page();
    timers.set(note('a'), -50, false);
    await runQueue(world);
    expect(fired).toEqual(['a@0']);
  });

  it('an interval repeats at its period until cleared; a zero interval is clamped to 4 ms', async () => {
    const { world, timers, fired, note } = page();
    const every = timers.set(note('i'), 100, true);
    const zero = timers.set(note('z'), 0, true);
    await runQueue(world, 12);
    expect(fired).toEqual(['z@4', 'z@8', 'z@12']);
    timers.clear(zero);
    await runQueue(world, 350);
    expect(fired.filter((line) => line.startsWith('i'))).toEqual(['i@100', 'i@200', 'i@300']);
    expect(timerRecords(world).at(-1)).toEqual({ kind: 'timer', actor: 'c1', timer: every, source: 'setInterval', delayMs: 100, aborted: [] });
    timers.clear(every);
    await runQueue(world);
    expect(fired.filter((line) => line.startsWith('i'))).toHaveLength(3);
    expect(world.queue.isEmpty()).toBe(true);
  });

  it('clearTimeout before the firing cancels it; clearing an unknown or already fired id does nothing', async () => {
    const { world, timers, fired, note } = page();
    const first = timers.set(note('first'), 10, false);
    const cancelled = timers.set(note('cancelled'), 20, false);
    timers.set(note('kept'), 30, false);
    timers.clear(cancelled);
    timers.clear(999);
    await runQueue(world, 15);
    timers.clear(first);
    await runQueue(world);
    expect(fired).toEqual(['first@10', 'kept@30']);
  });

  it('a timer set from a callback is numbered after the others and counts from the time it was set', async () => {
    const { world, timers, fired, note } = page();
    timers.set(() => {
      fired.push(`outer@${world.queue.nowMsUnobserved}`);
      expect(timers.set(note('inner'), 25, false)).toBe(2);
    }, 40, false);
    await runQueue(world);
    expect(fired).toEqual(['outer@40', 'inner@65']);
  });

  it("the delay runs on the browser's clock: a fast clock reaches it sooner, a slow one later", async () => {
    const fast = page({ driftPpm: 100_000 });
    fast.timers.set(fast.note('t'), 1_100, false);
    fast.timers.set(fast.note('i'), 550, true);
    await runQueue(fast.world, 1_000);
    expect(fast.fired).toEqual(['i@500', 't@1000', 'i@1000']);
    const slow = page({ driftPpm: -50_000 });
    slow.timers.set(slow.note('t'), 950, false);
    await runQueue(slow.world);
    expect(slow.fired).toEqual(['t@1000']);
  });

  it('a callback that throws is the page\'s uncaught error on the console, and the page goes on', async () => {
    const { world, timers, fired, note } = page();
    world.wanted = new Set(['console', 'timer']);
    let ticks = 0;
    timers.set(() => {
      ticks++;
      throw new TypeError('boom');
    }, 10, true);
    timers.set(note('after'), 15, false);
    await runQueue(world, 25);
    expect(ticks).toBe(2);
    expect(fired).toEqual(['after@15']);
    expect(world.records.filter((record) => record.kind === 'console')).toEqual([
      { kind: 'console', actor: 'c1', level: 'error', text: 'Uncaught TypeError: boom' },
      { kind: 'console', actor: 'c1', level: 'error', text: 'Uncaught TypeError: boom' },
    ]);
    // The error, then the firing that threw it.
    expect(world.records.map((record) => record.kind)).toEqual(['console', 'timer', 'timer', 'console', 'timer']);
  });

  it('a world that does not want console records gets none, and still the timers', async () => {
    const { world, timers } = page();
    world.wanted = new Set(['timer']);
    timers.set(() => {
      throw new Error('quiet');
    }, 10, false);
    await runQueue(world);
    expect(world.records).toEqual([{ kind: 'timer', actor: 'c1', timer: 1, source: 'setTimeout', delayMs: 10, aborted: [] }]);
  });

  it("a crashed page's timers never fire, intervals included; nor does any after the world closed", async () => {
    const crashed = page();
    crashed.timers.set(crashed.note('t'), 100, false);
    crashed.timers.set(crashed.note('i'), 30, true);
    await runQueue(crashed.world, 70);
    crashed.crash();
    await runQueue(crashed.world);
    expect(crashed.fired).toEqual(['i@30', 'i@60']);
    expect(crashed.world.queue.isEmpty()).toBe(true);
    expect(timerRecords(crashed.world)).toHaveLength(2);

    const closing = page();
    closing.timers.set(closing.note('t'), 100, false);
    closing.timers.set(() => {
      closing.world.closed = true;
    }, 50, false);
    await runQueue(closing.world);
    expect(closing.fired).toEqual([]);
    expect(timerRecords(closing.world)).toHaveLength(1);
  });

  it("an interval does not tick through a quiet period: it resumes on its own rhythm after it; a timeout is not moved", async () => {
    const { world, timers, fired, note } = page();
    (world as { quietUntilMs: number }).quietUntilMs = 10_000;
    timers.set(() => {
      timers.set(note('i'), 700, true);
      timers.set(note('t'), 700, false);
    }, 1_000, false);
    await runQueue(world, 11_000);
    // Set at 1,000 with 9,000 ms of quiet left: 13 periods (9,100 ms) later, then every 700 ms.
    expect(fired).toEqual(['t@1700', 'i@10100', 'i@10800']);
  });

  it('an interval set when the quiet period is over keeps its plain period', async () => {
    const { world, timers, fired, note } = page();
    (world as { quietUntilMs: number }).quietUntilMs = 50;
    timers.set(() => timers.set(note('i'), 40, true), 100, false);
    await runQueue(world, 200);
    expect(fired).toEqual(['i@140', 'i@180']);
  });

  it('a tab numbers its timers across its module instances (a reload goes on counting)', async () => {
    const world = fakeWorld();
    const first = page({ world });
    first.timers.set(first.note('a'), 10, false);
    const reloaded = page({ world });
    expect(reloaded.timers.set(reloaded.note('b'), 10, false)).toBe(2);
    expect(world.queue.enabled().map((event) => event.key)).toEqual(['timer:c1#1', 'timer:c1#2']);
    const other = page({ world, clientId: 'c2' });
    expect(other.timers.set(other.note('c'), 10, false)).toBe(1);
  });

  it('a page without timers makes no page state; a second tab joins its profile when its page is made', () => {
    const alone = fakeWorld();
    page({ world: alone });
    expect(Object.getOwnPropertySymbols(alone)).toEqual([]);

    const tabbed = fakeWorld({ tabs: { c2: 'c1' } });
    page({ world: tabbed, clientId: 'c2' });
    // c2's page was made first: it is the profile's first tab, before c1 itself.
    expect(pageState(tabbed, 'c1').profile.tabs).toEqual(['c2', 'c1']);
  });

  it('AbortSignal.timeout is told only when it aborted something, with what it aborted', async () => {
    const { world, timers } = page();
    timers.setFrom('AbortSignal.timeout', () => undefined, 100, false);
    timers.setFrom('AbortSignal.timeout', () => noteAbort(world, 'c1', 'fetch GET /keys', 'TimeoutError'), 200, false);
    await runQueue(world);
    expect(world.records).toEqual([{ kind: 'timer', actor: 'c1', timer: 2, source: 'AbortSignal.timeout', delayMs: 200, aborted: ['fetch GET /keys'] }]);
  });

  it('the same timers give the same records twice', async () => {
    const once = async () => {
      const { world, timers, note } = page({ driftPpm: 37 });
      timers.set(note('a'), 333, true);
      timers.set(note('b'), 1_000, false);
      await runQueue(world, 2_000);
      return JSON.stringify(world.records);
    };
    expect(await once()).toBe(await once());
  });
});
