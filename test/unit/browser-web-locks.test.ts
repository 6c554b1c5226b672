import { describe, expect, it } from 'vitest';
import { lockWorld } from './browser-locks-support.ts';

describe('navigator.locks between the tabs of one browser', () => {
  it('grants an exclusive lock to one tab at a time, in the order asked; another browser has locks of its own', async () => {
    const { ask, finish, query, run } = lockWorld();
    void ask('c1', 'A', 'doc');
    void ask('c2', 'B', 'doc');
    void ask('c1', 'C', 'doc');
    void ask('c3', 'D', 'doc');
    expect(await run()).toEqual(['A gets doc exclusive', 'D gets doc exclusive']);
    expect(await query('c2')).toEqual({ held: ['c1 doc exclusive'], pending: ['c2 doc exclusive', 'c1 doc exclusive'] });
    expect(await query('c3')).toEqual({ held: ['c3 doc exclusive'], pending: [] });
    finish('A', 'value of A');
    expect(await run()).toEqual(['A resolves value of A', 'B gets doc exclusive']);
    expect(await query()).toEqual({ held: ['c2 doc exclusive'], pending: ['c1 doc exclusive'] });
    finish('B');
    expect(await run()).toEqual(['B resolves B done', 'C gets doc exclusive']);
    finish('C');
    finish('D');
    expect(await run()).toEqual(['C resolves C done', 'D resolves D done']);
    expect(await query()).toEqual({ held: [], pending: [] });
  });

  it('keeps locks of different names apart', async () => {
    const { ask, query, run } = lockWorld();
    void ask('c1', 'A', 'one');
    void ask('c2', 'B', 'two');
    void ask('c2', 'C', 'one', { mode: 'shared' });
    expect(await run()).toEqual(['A gets one exclusive', 'B gets two exclusive']);
    expect(await query()).toEqual({ held: ['c1 one exclusive', 'c2 two exclusive'], pending: ['c2 one shared'] });
    // A request waiting for 'one' holds up nobody asking for another name.
    void ask('c1', 'D', 'three', { mode: 'shared' });
    void ask('c1', 'E', 'four');
    expect(await run()).toEqual(['D gets three shared', 'E gets four exclusive']);
  });

  it('grants shared locks together; an exclusive one waits for them, and a later shared one waits behind it', async () => {
    const { ask, finish, query, run } = lockWorld();
    void ask('c1', 'S1', 'doc', { mode: 'shared' });
    void ask('c2', 'S2', 'doc', { mode: 'shared' });
    void ask('c1', 'X', 'doc', { mode: 'exclusive' });
    void ask('c2', 'S3', 'doc', { mode: 'shared' });
    void ask('c2', 'other', 'else', { mode: 'exclusive' });
    expect(await run()).toEqual(['S1 gets doc shared', 'S2 gets doc shared', 'other gets else exclusive']);
    expect(await query()).toEqual({ held: ['c1 doc shared', 'c2 doc shared', 'c2 else exclusive'], pending: ['c1 doc exclusive', 'c2 doc shared'] });
    finish('S1');
    expect(await run()).toEqual(['S1 resolves S1 done']);
    finish('S2');
    expect(await run()).toEqual(['X gets doc exclusive', 'S2 resolves S2 done']);
    finish('X');
    expect(await run()).toEqual(['S3 gets doc shared', 'X resolves X done']);
  });

  it('a shared request waits while an exclusive lock is held, and shared ones waiting are granted together', async () => {
    const { ask, finish, run } = lockWorld();
    void ask('c1', 'X', 'doc');
    void ask('c2', 'S1', 'doc', { mode: 'shared' });
    void ask('c1', 'S2', 'doc', { mode: 'shared' });
    expect(await run()).toEqual(['X gets doc exclusive']);
    finish('X');
    expect(await run()).toEqual(['S1 gets doc shared', 'X resolves X done', 'S2 gets doc shared']);
  });

  it('releases a lock whose callback throws or rejects, and the request rejects with that error', async () => {
    const { ask, fail, run } = lockWorld();
    void ask('c1', 'thrower', 'doc', {}, () => {
      throw new Error('thrown');
    });
    void ask('c2', 'rejecter', 'doc');
    void ask('c1', 'next', 'doc', undefined, () => 'plain value');
    expect(await run()).toEqual(['thrower gets doc exclusive', 'thrower rejects Error: thrown', 'rejecter gets doc exclusive']);
    fail('rejecter', 'refused');
    expect(await run()).toEqual(['next gets doc exclusive', 'rejecter rejects refused', 'next resolves plain value']);
  });

  it('ifAvailable: the callback gets null at once when the lock is taken, and the lock when it is free', async () => {
    const { ask, query, run } = lockWorld();
    void ask('c1', 'holder', 'doc');
    void ask('c2', 'try', 'doc', { ifAvailable: true }, () => 'went without');
    void ask('c2', 'free', 'other', { ifAvailable: true }, () => 'had it');
    expect(await run()).toEqual(['holder gets doc exclusive', 'try gets null', 'try resolves went without', 'free gets other exclusive', 'free resolves had it']);
    expect(await query()).toEqual({ held: ['c1 doc exclusive'], pending: [] });
  });

  it('ifAvailable does not overtake a request already waiting for a lock nobody holds yet', async () => {
    const { ask, finish, run } = lockWorld();
    void ask('c1', 'S', 'doc', { mode: 'shared' });
    void ask('c1', 'X', 'doc');
    void ask('c2', 'shared try', 'doc', { mode: 'shared', ifAvailable: true }, () => 'none');
    expect(await run()).toEqual(['S gets doc shared', 'shared try gets null', 'shared try resolves none']);
    finish('S');
    expect(await run()).toEqual(['X gets doc exclusive', 'S resolves S done']);
  });

  it('steal: takes the lock at once; the holder of that name rejects with an AbortError and its callback runs on; other names stay held', async () => {
    const { ask, finish, query, run } = lockWorld();
    void ask('c1', 'bystander', 'other');
    void ask('c1', 'holder', 'doc');
    void ask('c2', 'waiter', 'doc');
    expect(await run()).toEqual(['bystander gets other exclusive', 'holder gets doc exclusive']);
    void ask('c2', 'thief', 'doc', { steal: true });
    expect(await run()).toEqual(['holder rejects AbortError: Lock broken by another request with the \'steal\' option.', 'thief gets doc exclusive']);
    expect(await query()).toEqual({ held: ['c1 other exclusive', 'c2 doc exclusive'], pending: ['c2 doc exclusive'] });
    // The robbed callback ending releases nothing of the thief's.
    finish('holder');
    expect(await run()).toEqual([]);
    expect(await query()).toEqual({ held: ['c1 other exclusive', 'c2 doc exclusive'], pending: ['c2 doc exclusive'] });
    finish('thief');
    expect(await run()).toEqual(['thief resolves thief done', 'waiter gets doc exclusive']);
  });

  it('an aborted signal drops a waiting request with its reason; a signal aborted after the grant changes nothing', async () => {
    const { ask, finish, query, run } = lockWorld();
    const first = new AbortController();
    const second = new AbortController();
    void ask('c1', 'holder', 'doc', { signal: first.signal });
    void ask('c2', 'waiter', 'doc', { signal: second.signal });
    void ask('c2', 'last', 'doc');
    expect(await run()).toEqual(['holder gets doc exclusive']);
    first.abort('too late');
    expect(await run()).toEqual([]);
    expect(await query()).toEqual({ held: ['c1 doc exclusive'], pending: ['c2 doc exclusive', 'c2 doc exclusive'] });
    second.abort('gave up');
    expect(await run()).toEqual(['waiter rejects gave up']);
    expect(await query()).toEqual({ held: ['c1 doc exclusive'], pending: ['c2 doc exclusive'] });
    second.abort('again');
    finish('holder');
    expect(await run()).toEqual(['holder resolves holder done', 'last gets doc exclusive']);
  });

  it('a waiting request that is aborted lets those behind it through at once', async () => {
    const { ask, query, run } = lockWorld();
    const exclusive = new AbortController();
    void ask('c1', 'S1', 'doc', { mode: 'shared' });
    void ask('c2', 'X', 'doc', { signal: exclusive.signal });
    void ask('c1', 'S2', 'doc', { mode: 'shared' });
    expect(await run()).toEqual(['S1 gets doc shared']);
    exclusive.abort('no longer wanted');
    // S2 waited only for the exclusive request ahead of it: with that one gone it shares the lock with S1.
    expect(await run()).toEqual(['X rejects no longer wanted', 'S2 gets doc shared']);
    expect(await query()).toEqual({ held: ['c1 doc shared', 'c1 doc shared'], pending: [] });
  });

  it('a signal aborted after its request waited and was granted changes nothing: the lock stays held, the others wait', async () => {
    const { ask, finish, query, run } = lockWorld();
    const signal = new AbortController();
    void ask('c1', 'holder', 'doc');
    void ask('c2', 'waited', 'doc', { signal: signal.signal });
    void ask('c1', 'last', 'doc');
    expect(await run()).toEqual(['holder gets doc exclusive']);
    finish('holder');
    expect(await run()).toEqual(['waited gets doc exclusive', 'holder resolves holder done']);
    signal.abort('after the grant');
    expect(await run()).toEqual([]);
    expect(await query()).toEqual({ held: ['c2 doc exclusive'], pending: ['c1 doc exclusive'] });
    finish('waited');
    expect(await run()).toEqual(['waited resolves waited done', 'last gets doc exclusive']);
  });

  it('a request whose signal is already aborted rejects with its reason and never runs', async () => {
    const { ask, query, run } = lockWorld();
    void ask('c1', 'aborted', 'doc', { signal: AbortSignal.abort('before') });
    expect(await run()).toEqual(['aborted rejects before']);
    expect(await query()).toEqual({ held: [], pending: [] });
  });

  it('a page that crashes loses its locks and its waiting requests when the locks are next asked for', async () => {
    const { ask, crash, query, run } = lockWorld({ c2: 'c1', c3: 'c1' });
    void ask('c1', 'crashing holder', 'doc');
    void ask('c2', 'crashing waiter', 'doc');
    void ask('c3', 'survivor', 'doc');
    expect(await run()).toEqual(['crashing holder gets doc exclusive']);
    crash('c1');
    crash('c2');
    // Asking for the list is asking for the locks: the crashed tabs' are let go, and the survivor granted.
    expect(await query('c3')).toEqual({ held: ['c3 doc exclusive'], pending: [] });
    expect(await run()).toEqual(['survivor gets doc exclusive']);
  });

  it('a crashed holder is released when another tab asks, and that request is granted', async () => {
    const { ask, crash, run } = lockWorld();
    void ask('c1', 'crashing', 'doc');
    void ask('c1', 'shared', 'other', { mode: 'shared' });
    expect(await run()).toEqual(['crashing gets doc exclusive', 'shared gets other shared']);
    crash('c1');
    void ask('c2', 'fresh', 'doc');
    void ask('c2', 'exclusive', 'other');
    expect(await run()).toEqual(['fresh gets doc exclusive', 'exclusive gets other exclusive']);
  });
});
