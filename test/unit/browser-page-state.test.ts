import { describe, expect, it } from 'vitest';
import { fireRecorded, noteAbort, otherTabs, pageState } from '../../src/model/browser/page-state.ts';
import { fakeWorld } from './support.ts';

// What a tab keeps across its module instances, the profiles tabs share, and how a firing timer tells aborts.

const setTimeout1 = { id: 1, source: 'setTimeout', delayMs: 3_000 } as const;

describe('page state: tabs and profiles', () => {
  it('a tab has one state per world, made empty on first use, in a profile of its own unless the config names one', () => {
    const world = fakeWorld();
    const c1 = pageState(world, 'c1');
    expect(pageState(world, 'c1')).toBe(c1);
    expect([c1.id, c1.timerCount, c1.firing, c1.instances, c1.session.items.size]).toEqual(['c1', 0, undefined, [], 0]);
    expect([c1.profile.id, c1.profile.tabs, c1.profile.channels, c1.profile.indexedDb, c1.profile.local.used]).toEqual(['c1', ['c1'], [], undefined, 0]);
    // Another world (another run) starts afresh.
    expect(pageState(fakeWorld(), 'c1')).not.toBe(c1);
    expect(pageState(world, 'c2').profile).not.toBe(c1.profile);
  });

  it("a second tab opens in its browser's profile: one localStorage, tabs in the order they opened", () => {
    const world = fakeWorld({ tabs: { c3: 'c1', c2: 'c1' } });
    const c1 = pageState(world, 'c1');
    const c3 = pageState(world, 'c3');
    const c2 = pageState(world, 'c2');
    expect(c3.profile).toBe(c1.profile);
    expect(c2.profile).toBe(c1.profile);
    expect(c1.profile.id).toBe('c1');
    expect(c1.profile.tabs).toEqual(['c1', 'c3', 'c2']);
    expect(c3.session).not.toBe(c1.session);
    expect(pageState(world, 'c4').profile.id).toBe('c4');
  });

  it('the other tabs of a profile are every tab but the one asking, in the order they opened', () => {
    const world = fakeWorld({ tabs: { c2: 'c1', c3: 'c1' } });
    const [c1, c2, c3] = ['c1', 'c2', 'c3'].map((id) => pageState(world, id));
    const profile = (c1 ?? pageState(world, 'c1')).profile;
    expect(otherTabs(world, profile, 'c2')).toEqual([c1, c3]);
    expect(otherTabs(world, profile, 'c1')).toEqual([c2, c3]);
    expect(otherTabs(world, pageState(world, 'c4').profile, 'c4')).toEqual([]);
  });
});

describe('page state: aborts and timer firings', () => {
  it('an abort outside any timer is told on its own line, when the world wants it', () => {
    const world = fakeWorld();
    noteAbort(world, 'c1', 'fetch GET /keys', 'AbortError');
    expect(world.records).toEqual([{ kind: 'abort', actor: 'c1', request: 'fetch GET /keys', reason: 'AbortError' }]);
    world.wanted = new Set(['timer']);
    noteAbort(world, 'c1', 'fetch GET /again', 'AbortError');
    world.wanted = new Set(['abort']);
    noteAbort(world, 'c1', 'fetch GET /third', 'AbortError');
    expect(world.records.map((record) => (record.kind === 'abort' ? record.request : record.kind))).toEqual(['fetch GET /keys', 'fetch GET /third']);
  });

  it('a firing timer is recorded with what its callback aborted; after it, aborts are told on their own again', () => {
    const world = fakeWorld();
    fireRecorded(world, 'c1', setTimeout1, () => {
      noteAbort(world, 'c1', 'fetch GET /a', 'TimeoutError');
      noteAbort(world, 'c1', 'fetch POST /b', 'TimeoutError');
    });
    noteAbort(world, 'c1', 'fetch GET /c', 'AbortError');
    expect(world.records).toEqual([
      { kind: 'timer', actor: 'c1', timer: 1, source: 'setTimeout', delayMs: 3_000, aborted: ['fetch GET /a', 'fetch POST /b'] },
      { kind: 'abort', actor: 'c1', request: 'fetch GET /c', reason: 'AbortError' },
    ]);
    expect(pageState(world, 'c1').firing).toBeUndefined();
  });

  it("an abort counts for the tab's own firing timer only", () => {
    const world = fakeWorld();
    fireRecorded(world, 'c1', setTimeout1, () => noteAbort(world, 'c2', 'fetch GET /other', 'AbortError'));
    expect(world.records.map((record) => record.kind)).toEqual(['abort', 'timer']);
  });

  it('a timer fired from within another collects its own aborts; the outer one gets its own back', () => {
    const world = fakeWorld();
    fireRecorded(world, 'c1', setTimeout1, () => {
      fireRecorded(world, 'c1', { id: 2, source: 'setInterval', delayMs: 10 }, () => noteAbort(world, 'c1', 'inner', 'x'));
      noteAbort(world, 'c1', 'outer', 'x');
    });
    expect(world.records).toEqual([
      { kind: 'timer', actor: 'c1', timer: 2, source: 'setInterval', delayMs: 10, aborted: ['inner'] },
      { kind: 'timer', actor: 'c1', timer: 1, source: 'setTimeout', delayMs: 3_000, aborted: ['outer'] },
    ]);
  });

  it('a callback that throws leaves no firing behind and is not recorded', () => {
    const world = fakeWorld();
    expect(() =>
      fireRecorded(world, 'c1', setTimeout1, () => {
        throw new Error('out');
      }),
    ).toThrow('out');
    expect(pageState(world, 'c1').firing).toBeUndefined();
    expect(world.records).toEqual([]);
  });

  it('an AbortSignal.timeout is told only when it aborted something; a world not wanting timers gets none', () => {
    const world = fakeWorld();
    const timeout = { id: 4, source: 'AbortSignal.timeout', delayMs: 500 } as const;
    fireRecorded(world, 'c1', timeout, () => undefined);
    expect(world.records).toEqual([]);
    fireRecorded(world, 'c1', timeout, () => noteAbort(world, 'c1', 'fetch GET /slow', 'TimeoutError'));
    expect(world.records).toEqual([{ kind: 'timer', actor: 'c1', timer: 4, source: 'AbortSignal.timeout', delayMs: 500, aborted: ['fetch GET /slow'] }]);
    world.wanted = new Set(['abort']);
    fireRecorded(world, 'c1', setTimeout1, () => undefined);
    world.wanted = new Set(['timer']);
    fireRecorded(world, 'c1', { ...setTimeout1, id: 9 }, () => undefined);
    expect(world.records.map((record) => (record.kind === 'timer' ? record.timer : 0))).toEqual([4, 9]);
  });
});
