import { describe, expect, it } from 'vitest';
import { pageNavigator } from '../../src/model/browser/navigator.ts';
import { lockWorld, type Lock, type LockManager } from './browser-locks-support.ts';

describe('navigator.locks.request refuses what a browser refuses', () => {
  const refusal = async (name: unknown, options: unknown, callback: unknown = () => undefined) => {
    const { locksOf, query, run } = lockWorld();
    // A granted lock's callback runs as a task of the tab: the outcome is known once the queue has run.
    const outcome = locksOf('c1')
      .request(name, options, callback)
      .then(
        () => 'resolved',
        (reason: unknown) => `${reason instanceof DOMException ? 'DOMException' : (reason as Error).constructor.name} ${(reason as Error).name}: ${(reason as Error).message}`,
      );
    await run();
    expect(await query()).toEqual({ held: [], pending: [] });
    return await outcome;
  };

  it('a callback that is not a function', async () => {
    expect(await refusal('doc', {}, 'not a function')).toBe("TypeError TypeError: Failed to execute 'request' on 'LockManager': parameter is not a function.");
    expect(await refusal('doc', () => undefined, 'ignored')).toBe('resolved');
  });

  it("a name that starts with '-' (one that merely contains or ends with it is fine)", async () => {
    expect(await refusal('-doc', {})).toBe("DOMException NotSupportedError: Failed to execute 'request' on 'LockManager': Names cannot start with '-'.");
    expect(await refusal('doc-', {})).toBe('resolved');
  });

  it('a mode other than exclusive or shared', async () => {
    expect(await refusal('doc', { mode: 'sole' })).toBe("TypeError TypeError: Failed to execute 'request' on 'LockManager': The provided value 'sole' is not a valid enum value of type LockMode.");
    expect(await refusal('doc', { mode: 'shared' })).toBe('resolved');
    expect(await refusal('doc', { mode: 'exclusive' })).toBe('resolved');
  });

  it('steal with ifAvailable or with a shared mode', async () => {
    const stealRefused = "DOMException NotSupportedError: Failed to execute 'request' on 'LockManager': The 'steal' option may only be used with 'exclusive' locks, and not with 'ifAvailable'.";
    expect(await refusal('doc', { steal: true, ifAvailable: true })).toBe(stealRefused);
    expect(await refusal('doc', { steal: true, mode: 'shared' })).toBe(stealRefused);
    expect(await refusal('doc', { steal: true, mode: 'exclusive' })).toBe('resolved');
    expect(await refusal('doc', { ifAvailable: true, mode: 'shared' })).toBe('resolved');
  });

  it('an aborted signal', async () => {
    const reason = new DOMException('stop', 'AbortError');
    expect(await refusal('doc', { signal: AbortSignal.abort(reason) })).toBe('DOMException AbortError: stop');
  });

  it('takes options left out or undefined, and a name that is not a string as its string', async () => {
    const { locksOf, query, run } = lockWorld();
    const got: Lock[] = [];
    void locksOf('c1').request(7, undefined, (lock: Lock) => {
      got.push(lock);
      return new Promise(() => undefined);
    });
    void locksOf('c1').request('doc', null, (lock: Lock) => got.push(lock));
    await run();
    expect(got).toEqual([
      { name: '7', mode: 'exclusive' },
      { name: 'doc', mode: 'exclusive' },
    ]);
    expect(await query()).toEqual({ held: ['c1 7 exclusive'], pending: [] });
  });
});

describe("the page's navigator", () => {
  it("says the same of itself in every run, is online, and its locks are the profile's, made once", async () => {
    const { parts, run } = lockWorld();
    const navigator = pageNavigator(parts('c1')) as Record<string, unknown> & { locks: LockManager };
    expect(navigator).toMatchObject({
      userAgent: expect.stringMatching(/^Mozilla\/5\.0 .* Chrome\/131\.0\.0\.0 Safari\/537\.36 rtc-sim$/),
      language: 'en-US',
      languages: ['en-US', 'en'],
      platform: 'Linux x86_64',
      vendor: 'Google Inc.',
      cookieEnabled: true,
      hardwareConcurrency: 4,
      maxTouchPoints: 0,
      webdriver: false,
      onLine: true,
    });
    expect(Object.isFrozen(navigator.languages)).toBe(true);
    expect(navigator.locks).toBe(navigator.locks);
    // The second tab's navigator sees the first's lock.
    const other = pageNavigator(parts('c2')) as { locks: LockManager };
    void navigator.locks.request('doc', () => new Promise(() => undefined));
    await run();
    expect(await other.locks.query()).toEqual({ held: [{ name: 'doc', mode: 'exclusive', clientId: 'c1' }], pending: [] });
  });
});
