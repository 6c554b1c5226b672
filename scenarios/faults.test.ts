import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedKeyStore } from '../src/model/key-store.ts';
import { Client } from '../src/model/client.ts';
import { Server } from '../src/model/server.ts';
import type { Deferred } from '../src/providers/realm.ts';
import { scenarioEnding } from '../src/scenario.ts';
import type { SimulationResult } from '../src/simulate.ts';
import { playScenario } from './support.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** When each client first collaborates, in virtual ms. */
function collaborationTimes(result: SimulationResult): Map<string, number> {
  const times = new Map<string, number>();
  for (const record of result.trace ?? []) {
    if (record.kind === 'state' && record.state === 'collaborating' && !times.has(record.actor)) times.set(record.actor, record.timeMs);
  }
  return times;
}

describe('fault scenarios pass with the model as it is, and fail when the model logic they rely on is broken', () => {
  it('winner crashes while establishing: the server releases the session, c2 starts over, c1 joins after restarting', async () => {
    const result = await playScenario('winner-crashes-while-establishing');
    expect(scenarioEnding(result)).toBe('pass');
    const owners = (result.trace ?? []).flatMap((record) => (record.kind === 'session' ? [`${record.status}:${record.owner}`] : []));
    expect(owners).toEqual(['pending:c1', 'released:c1', 'pending:c2', 'established:c2']);
    expect(collaborationTimes(result).get('c1')).toBeGreaterThan(20_000);
  });

  it('winner crashes while establishing — broken: a server that never releases an abandoned session leaves everyone stuck', async () => {
    vi.spyOn(Server.prototype, 'releaseAbandonedSession').mockImplementation(() => undefined);
    expect(scenarioEnding(await playScenario('winner-crashes-while-establishing'))).toBe('liveness');
  });

  it('loser reconnects after 60 s: it gets the existing session and the winner\'s key', async () => {
    const result = await playScenario('loser-reconnects-after-60s');
    expect(scenarioEnding(result)).toBe('pass');
    expect(collaborationTimes(result).get('c2')).toBeGreaterThanOrEqual(60_046);
  });

  it('loser reconnects after 60 s — broken: a plugin that does not rejoin after reconnecting never collaborates', async () => {
    vi.spyOn(Client.prototype, 'reconnect').mockImplementation(() => undefined);
    expect(scenarioEnding(await playScenario('loser-reconnects-after-60s'))).toBe('liveness');
  });

  it('server restarts between create and broadcast: the pending session is lost at once and the race is run again within seconds', async () => {
    const result = await playScenario('server-restarts-between-create-and-broadcast');
    expect(scenarioEnding(result)).toBe('pass');
    const released = (result.trace ?? []).find((record) => record.kind === 'session' && record.status === 'released');
    expect(released?.timeMs).toBe(50);
    for (const atMs of collaborationTimes(result).values()) expect(atMs).toBeLessThan(5_000);
  });

  it('server restarts between create and broadcast — broken: a restart that keeps sessions being established stalls the race', async () => {
    vi.spyOn(Server.prototype, 'dropPendingSessions').mockImplementation(() => undefined);
    const result = await playScenario('server-restarts-between-create-and-broadcast');
    const slowest = Math.max(...collaborationTimes(result).values());
    expect(slowest).toBeGreaterThan(5_000);
  });

  it('key store loses a write: a provider that propagates the error recovers through the plugin\'s retry', async () => {
    const result = await playScenario('key-store-loses-a-write');
    expect(scenarioEnding(result)).toBe('pass');
    expect((result.trace ?? []).some((record) => record.kind === 'store' && record.result.startsWith('FAILED'))).toBe(true);
  });

  it('key store loses a write — broken: a key store that reports the lost write as done makes the session unopenable', async () => {
    vi.spyOn(SimulatedKeyStore.prototype, 'failOperation').mockImplementation((deferred: Deferred<unknown>, record: () => void) => {
      record();
      deferred.resolve(true);
    });
    expect(scenarioEnding(await playScenario('key-store-loses-a-write'))).not.toBe('pass');
  });

  it('the same lost write is caught when the provider swallows the error and hands out the unsaved key', async () => {
    const result = await playScenario('swallowed-write-is-caught');
    expect(scenarioEnding(result)).toBe('liveness');
  });
});
