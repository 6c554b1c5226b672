import { describe, expect, it } from 'vitest';
import { settling } from '../../src/backend/settling.ts';

// Awaiting a backend's promise outside any world: the realm settled between host turns, bounded in turns,
// a waiting hook every fourth turn (where a setup's due timer fires).
function countingRealm() {
  const realm = { touches: 0, settles: 0, touch: () => void realm.touches++, settle: () => (realm.settles++, undefined) };
  return realm;
}
const hostTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const afterTurns = async (turns: number): Promise<string> => {
  for (let turn = 0; turn < turns; turn++) await hostTurn();
  return `after ${turns}`;
};

describe('settling a promise outside any world', () => {
  it('answers the value, or the problem it rejected with is thrown', async () => {
    expect(await settling(countingRealm(), Promise.resolve(7))).toEqual({ ok: true, value: 7 });
    await expect(settling(countingRealm(), Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('gives exactly turnsMax host turns, settling the realm in each, then says it never resolved', async () => {
    const realm = countingRealm();
    expect(await settling(realm, afterTurns(2), 1)).toEqual({ ok: false });
    expect({ touches: realm.touches, settles: realm.settles }).toEqual({ touches: 1, settles: 1 });
    expect(await settling(countingRealm(), afterTurns(2), 2)).toEqual({ ok: true, value: 'after 2' });
  });

  it('calls the waiting hook every fourth turn while the promise is pending, and needs none', async () => {
    let waited = 0;
    expect(await settling(countingRealm(), new Promise(() => undefined), 8, () => void waited++)).toEqual({ ok: false });
    expect(waited).toBe(2);
    expect(await settling(countingRealm(), new Promise(() => undefined), 8)).toEqual({ ok: false });
  });
});
