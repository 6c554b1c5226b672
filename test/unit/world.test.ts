import { describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../src/config/fault-plan.ts';
import type { Observation } from '../../src/model/observations.ts';
import type { CreateProvider } from '../../src/providers/types.ts';
import { RandomStreams } from '../../src/kernel/random.ts';
import { drawClock } from '../../src/model/clocks.ts';
import { World } from '../../src/world/world.ts';
import { builtInRegistry } from '../../src/config/components.ts';
import { sourceFromFactory } from '../../src/providers/source.ts';
import { violatingRecordIndex } from '../../src/report/violating-record.ts';
import { simulate } from '../../src/simulate.ts';
import { lines, ofKind, run, runEvents, stateDetail, storeBacked, unitConfig } from './support.ts';

const faultPlan = (events: readonly FaultEvent[], phaseEndMs = 10_000) => ({ faults: { phaseEndMs, events, keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 } });

/** "time actor state detail" for each state record. */
const states = (trace: readonly Observation[] | undefined, actor?: string): string[] =>
  ofKind(trace, 'state')
    .filter((record) => actor === undefined || record.actor === actor)
    .map((record) => `${(record as unknown as { timeMs: number }).timeMs} ${record.actor} ${record.state}: ${stateDetail(record)}`);

const phases = (trace: readonly Observation[] | undefined): string[] =>
  ofKind(trace, 'phase').map((record) => `${(record as unknown as { timeMs: number }).timeMs} ${record.phase}: ${record.detail}`);

describe('world', () => {
  it('runs the race, a probe at each retention horizon (counted from the settling), and ends', async () => {
    const result = await run(storeBacked, { clients: 2, arrivalTimesMs: [0, 0], retentionHorizonsMs: [0, 1_000] });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(phases(result.trace)).toEqual([
      '90 settled: every client is collaborating or has given up',
      '95 quiet: nothing happens until 1 second after the race settled',
      '1095 done: every retention probe ran',
    ]);
    expect(ofKind(result.trace, 'probe').map((record) => `${record.actor} ${record.documentId} ${record.keyHint} ${record.key === record.expectedKey}`)).toEqual([
      `probe-1 d1 ${ofKind(result.trace, 'session')[0]?.keyHint} true`,
      `probe-2 d1 ${ofKind(result.trace, 'session')[0]?.keyHint} true`,
    ]);
    expect(ofKind(result.trace, 'probe')[0]?.expectedKey).toBe(ofKind(result.trace, 'state').find((record) => record.state === 'create-sent' && record.actor === 'c1')?.key);
  });

  it('spreads clients over the documents, and probes every established session', async () => {
    const result = await run(storeBacked, { clients: 3, documents: 2, arrivalTimesMs: [0, 100, 200], retentionHorizonsMs: [0, 10] });
    expect(ofKind(result.trace, 'arrive').map((record) => `${record.actor} ${record.documentId}`)).toEqual(['c1 d1', 'c2 d2', 'c3 d1']);
    expect(ofKind(result.trace, 'probe').map((record) => `${record.actor} ${record.documentId}`)).toEqual(['probe-1 d1', 'probe-1 d2', 'probe-2 d1', 'probe-2 d2']);
    expect(result.outcome).toEqual({ kind: 'pass' });
  });

  it('draws arrivals within the spread, and coinciding arrivals share the millisecond of the one before', async () => {
    const spread = await run(storeBacked, { clients: 4, arrivalSpreadMs: 50, arrivalCoincidence: 0 }, 3);
    const times = ofKind(spread.trace, 'arrive').map((record) => (record as unknown as { timeMs: number }).timeMs);
    expect(times).toHaveLength(4);
    expect(Math.max(...times)).toBeLessThanOrEqual(50);
    expect(new Set(times).size).toBeGreaterThan(1);
    const together = await run(storeBacked, { clients: 4, arrivalSpreadMs: 100_000, arrivalCoincidence: 1 }, 3);
    const same = ofKind(together.trace, 'arrive').map((record) => (record as unknown as { timeMs: number }).timeMs);
    expect(new Set(same).size).toBe(1);
  });

  it('reports the clients still waiting at the liveness deadline, counted from the last arrival', async () => {
    const hangs: CreateProvider = () => () => new Promise(() => undefined);
    const result = await run(hangs, { clients: 2, arrivalTimesMs: [0, 300], livenessBoundMs: 1_000, providerTimeoutMs: 100_000 });
    expect(result.outcome.kind).toBe('violation');
    const deadline = ofKind(result.trace, 'liveness-deadline');
    expect(deadline).toEqual([
      {
        kind: 'liveness-deadline',
        actor: 'world',
        clients: [
          { client: 'c1', state: 'creating', waitingFor: { kind: 'provider-answer', keyHint: null } },
          { client: 'c2', state: 'creating', waitingFor: { kind: 'provider-answer', keyHint: null } },
        ],
        step: expect.any(Number),
        timeMs: 1_300,
      },
    ]);
  });

  it('counts the deadline from the end of the fault phase when it is later', async () => {
    const hangs: CreateProvider = () => () => new Promise(() => undefined);
    const result = await run(hangs, { clients: 1, arrivalTimesMs: [0], livenessBoundMs: 1_000, providerTimeoutMs: 100_000, ...faultPlan([], 5_000) });
    expect(ofKind(result.trace, 'liveness-deadline').map((record) => (record as unknown as { timeMs: number }).timeMs)).toEqual([6_000]);
    expect(phases(result.trace)).toEqual(['5000 liveness: faults stop; every client must now settle']);
  });

  it('settles only after the fault phase while a client is still in the race', async () => {
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan([], 2_000) });
    expect(phases(result.trace)).toEqual([
      '2000 liveness: faults stop; every client must now settle',
      '2000 settled: every client is collaborating or has given up',
      '2005 quiet: nothing happens until 10ms after the race settled',
      '2015 done: every retention probe ran',
    ]);
  });

  it('settles at once when every client has given up, even during the fault phase', async () => {
    const broken: CreateProvider = () => {
      throw new Error('no provider here');
    };
    // Only single-session is checked, so that the first client giving up does not end the run.
    const result = await run(broken, { clients: 2, arrivalTimesMs: [0, 10], retentionHorizonsMs: [0, 10], ...faultPlan([], 5_000) }, 1, ['single-session']);
    expect(states(result.trace)).toEqual([
      '0 c1 failed: its provider could not be created: createProvider(env) threw Error: no provider here',
      '10 c2 failed: its provider could not be created: createProvider(env) threw Error: no provider here',
    ]);
    expect(ofKind(result.trace, 'provider-contract').map((record) => `${record.actor}: ${record.problem}`)).toEqual([
      'c1: createProvider(env) threw Error: no provider here',
      'c2: createProvider(env) threw Error: no provider here',
    ]);
    expect(phases(result.trace)).toEqual(['10 settled: every client is collaborating or has given up', '10 quiet: nothing happens until 10ms after the race settled', '20 done: every retention probe ran']);
  });

  it('injects each scripted fault with its own words', async () => {
    const events: FaultEvent[] = [
      { kind: 'disconnect', atMs: 1_000, client: 'c1', reconnectAfterMs: 500 },
      { kind: 'crash', atMs: 2_000, client: 'c2', restartAfterMs: 700 },
      { kind: 'partition', atMs: 3_000, client: 'c1', healAfterMs: 300 },
      { kind: 'latency-spike', atMs: 4_000, durationMs: 200, factor: 5 },
      { kind: 'clock-sync', atMs: 5_000, client: 'c2' },
      { kind: 'server-restart', atMs: 6_000, downMs: 400 },
      { kind: 'key-store-failure', client: 'c1', operationNumber: 99 },
    ];
    const result = await run(storeBacked, { clients: 2, arrivalTimesMs: [0, 0], retentionHorizonsMs: [0, 10], ...faultPlan(events, 7_000) });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(ofKind(result.trace, 'fault').map((record) => `${(record as unknown as { timeMs: number }).timeMs} ${record.actor} ${record.fault}: ${record.detail}`)).toEqual([
      '1000 c1 disconnect: the connection drops; the plugin reconnects after 500ms',
      '2000 c2 crash: the browser crashes and restarts after 700ms',
      '3000 c1 partition: messages to and from the server are held for 300ms',
      '4000 network latency spike: latencies ×5 for 200ms',
      '5000 c2 clock sync: the clock is corrected (NTP) and now reads true time',
      '6000 server restart: every connection drops; the server is down for 400ms',
    ]);
    expect(states(result.trace, 'c1').filter((line) => line.includes('disconnected'))).toEqual([
      '1000 c1 disconnected: waits for its reconnection (the connection dropped)',
      '6000 c1 disconnected: waits for its reconnection (the server restarted)',
    ]);
    expect(states(result.trace, 'c2').filter((line) => line.includes('disconnected'))).toEqual([
      '2000 c2 disconnected: waits for its reconnection (the browser crashed)',
      '6000 c2 disconnected: waits for its reconnection (the server restarted)',
    ]);
    // Reconnected after the stated backoffs.
    expect(states(result.trace, 'c1').filter((line) => line.includes('requesting')).map((line) => line.split(' ')[0])).toEqual(['0', '1500', '6400']);
    expect(states(result.trace, 'c2').filter((line) => line.includes('requesting')).map((line) => line.split(' ')[0])).toEqual(['0', '2700', '6400']);
  });
});

describe('crash points: a fault that waits for a protocol moment', () => {
  const faultLines = (trace: readonly Observation[] | undefined): string[] =>
    ofKind(trace, 'fault').map((record) => `${(record as unknown as { timeMs: number }).timeMs} ${record.actor} ${record.fault}: ${record.detail}`);
  const crashAt = (moment: 'provider-answered' | 'session-pending' | 'session-established' | 'write-sent', client = 'c1', action: 'crash' | 'disconnect' = 'crash'): FaultEvent => ({
    kind: 'crash-at',
    client,
    moment,
    action,
    afterMs: 500,
  });

  it('fires once, at its client’s moment and no other, and the client recovers', async () => {
    for (const moment of ['provider-answered', 'session-pending', 'session-established', 'write-sent'] as const) {
      const result = await run(storeBacked, { clients: 2, arrivalTimesMs: [0, 1_000], retentionHorizonsMs: [0, 10], ...faultPlan([crashAt(moment)], 100) });
      expect(result.outcome, moment).toEqual({ kind: 'pass' });
      const fired = faultLines(result.trace);
      expect(fired, moment).toHaveLength(1);
      expect(fired[0], moment).toMatch(/^\d+ c1 crash: crash point: .*; the browser crashes and restarts after 500ms$/);
      expect(states(result.trace, 'c1').filter((line) => line.includes('browser crashed')), moment).toHaveLength(1);
    }
    const otherClient = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan([crashAt('provider-answered', 'c2')], 100) });
    expect(faultLines(otherClient.trace)).toEqual([]);
    // The session is established at 55 ms: after a fault phase that ended at 50 ms, the crash point stays quiet.
    const afterThePhase = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan([crashAt('session-established')], 50) });
    expect(faultLines(afterThePhase.trace)).toEqual([]);
  });

  it('right after the provider answered, the answer is dropped: no createSession leaves the crashed browser', async () => {
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan([crashAt('provider-answered')], 100) });
    const answered = ofKind(result.trace, 'provider-answer').filter((record) => record.actor === 'c1');
    const firstCreate = ofKind(result.trace, 'state').find((record) => record.state === 'create-sent');
    expect(answered.length).toBe(2);
    expect(firstCreate?.key).toBe(answered[1]?.key);
  });

  it('a disconnect keeps the provider instance; a crash stops it, sleeps and requests included', async () => {
    const sleepsThenWrites: CreateProvider = (env) => async ({ documentId, keyHint }) => {
      if (keyHint !== null) return { key: (await env.keyStore.get(`${documentId}/${keyHint}`)) ?? 'none' };
      const hint = `${env.clientId}-${Math.floor(env.random() * 1e6)}`;
      void env.sleep(1_000).then(() => env.keyStore.set(`late/${hint}`, 'x'));
      await env.keyStore.set(`${documentId}/${hint}`, hint);
      return { key: hint, keyHint: hint };
    };
    const writes = async (action: 'crash' | 'disconnect') => {
      const result = await run(sleepsThenWrites, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 5_000], ...faultPlan([crashAt('session-established', 'c1', action)], 100) });
      return ofKind(result.trace, 'store').filter((record) => record.key.startsWith('late/')).length;
    };
    // The disconnected browser's instance still writes its late key a second later; the crashed one's never does.
    expect(await writes('disconnect')).toBe(1);
    expect(await writes('crash')).toBe(0);
  });

  it('is described in the config line', () => {
    expect(builtInRegistry.describePlan({ phaseEndMs: 100, events: [crashAt('session-pending', 'c2', 'disconnect')], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 })).toEqual([
      'c2 disconnects the moment the server holds its createSession as pending (not yet accepted by the client) (reconnects after 500ms)',
      'key-store failures 0% and timeouts 0% until 100ms',
    ]);
  });
});

describe('world scheduling', () => {
  const hangs: CreateProvider = () => () => new Promise(() => undefined);

  it('names its events, their actors and the resources they touch', async () => {
    const events = await runEvents(storeBacked, {
      clients: 1,
      arrivalTimesMs: [0],
      retentionHorizonsMs: [0, 10],
      ...faultPlan([{ kind: 'disconnect', atMs: 40, client: 'c1', reconnectAfterMs: 100 }], 1_000),
    });
    const world = events.filter((line) => !/^(c1→server|server→c1|store:|sleep:|timeout:)/.test(line));
    // c1 drops while its session is pending: the server releases it 15 s later, and c1 starts over.
    expect(world).toEqual([
      'arrive:c1 c1 c1',
      'fault:0:disconnect faults world',
      'reconnect:c1#2 c1 c1',
      'fault-phase-end world world',
      'release:d1#c1@40 server server:d1',
      'retention-horizon:1 world world',
    ]);
    const stuck = await runEvents(hangs, { clients: 1, arrivalTimesMs: [0], livenessBoundMs: 100, providerTimeoutMs: 100_000 });
    expect(stuck.at(-1)).toBe('liveness-deadline world world');
  });

  it('draws arrivals from its own stream; the first client never coincides', async () => {
    const expected = new RandomStreams(1).get('arrivals').integer(0, 100_000);
    const result = await run(storeBacked, { clients: 3, arrivalSpreadMs: 100_000, arrivalCoincidence: 1, retentionHorizonsMs: [0, 10] });
    expect(ofKind(result.trace, 'arrive').map((record) => (record as unknown as { timeMs: number }).timeMs)).toEqual([expected, expected, expected]);
    expect(expected).toBeGreaterThan(0);
  });

  it('gives each client the clock drawn from its own stream', async () => {
    const clocks = { skewMsMax: 5_000, driftPpmMax: 0 };
    const seen: number[] = [];
    await run((env) => {
      seen.push(env.now());
      return storeBacked(env);
    }, { clients: 2, arrivalTimesMs: [0, 0], clocks, retentionHorizonsMs: [0, 10] });
    const streams = new RandomStreams(1);
    const epochMs = unitConfig().epochMs;
    expect(seen.slice(0, 2)).toEqual(['c1', 'c2'].map((id) => drawClock(epochMs, clocks, streams.get(`clock:${id}`), id).read(0)));
    expect(new Set(seen.slice(0, 2)).size).toBe(2);
  });

  it('holds a partitioned client\'s messages and stretches latencies in a spike, from the moment of the fault', async () => {
    const partitioned = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan([{ kind: 'partition', atMs: 1, client: 'c1', healAfterMs: 300 }], 1_000) });
    expect(lines(partitioned.trace, (record) => record.kind === 'deliver').slice(0, 2)).toEqual(['10 server gets requestSession from c1', '311 c1 gets noSession from server']);
    const spiked = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan([{ kind: 'latency-spike', atMs: 1, factor: 5, durationMs: 200 }], 1_000) });
    expect(lines(spiked.trace, (record) => record.kind === 'deliver').slice(0, 2)).toEqual(['10 server gets requestSession from c1', '60 c1 gets noSession from server']);
  });

  it('a fault naming a client that does not exist is recorded and harms nothing', async () => {
    const events: FaultEvent[] = [
      { kind: 'disconnect', atMs: 1, client: 'c9', reconnectAfterMs: 10 },
      { kind: 'crash', atMs: 2, client: 'c9', restartAfterMs: 10 },
      { kind: 'clock-sync', atMs: 3, client: 'c9' },
    ];
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan(events, 100) });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(ofKind(result.trace, 'fault').map((record) => record.actor)).toEqual(['c9', 'c9', 'c9']);
  });

  it('during the fault phase a failed client does not end the race while another is still in it', async () => {
    const c1Broken: CreateProvider = (env) => {
      if (env.clientId === 'c1') throw new Error('broken');
      return storeBacked(env);
    };
    const result = await run(c1Broken, { clients: 2, arrivalTimesMs: [0, 0], retentionHorizonsMs: [0, 10], ...faultPlan([], 5_000) }, 1, ['single-session']);
    expect(phases(result.trace)[1]).toBe('5000 settled: every client is collaborating or has given up');
  });

  it('lists only the clients that are not collaborating when the deadline passes', async () => {
    const c2Hangs: CreateProvider = (env) => (env.clientId === 'c2' ? hangs(env) : storeBacked(env));
    const result = await run(c2Hangs, { clients: 2, arrivalTimesMs: [0, 100], livenessBoundMs: 1_000, providerTimeoutMs: 100_000 });
    expect(ofKind(result.trace, 'liveness-deadline')[0]?.clients).toEqual([{ client: 'c2', state: 'joining', waitingFor: { kind: 'provider-answer', keyHint: expect.any(String) } }]);
  });

  it('the world states its phases, and the server reads its own pinned clock', async () => {
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 10], ...faultPlan([], 100) });
    expect(ofKind(result.trace, 'phase').map((record) => `${record.actor} ${record.phase}`)).toEqual(['world liveness', 'world settled', 'world quiet', 'world done']);
    const ahead = await run(storeBacked, {
      clients: 1,
      arrivalTimesMs: [0],
      livenessBoundMs: 1_000,
      auth: { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300 },
      clocks: { skewMsMax: 0, driftPpmMax: 0, skewsMs: { server: 400_000 } },
    }, 1, ['liveness']);
    expect(ofKind(ahead.trace, 'auth').map((record) => record.error)).toEqual(['JWT has expired']);
  });

  it('when nothing is left to happen before it finished, records who still waits, and nothing once it is done', async () => {
    const records: Observation[] = [];
    const world = new World(unitConfig({ clients: 2, arrivalTimesMs: [0, 50] }), sourceFromFactory(storeBacked), (observation) => records.push(observation));
    world.start();
    world.queue.enabled()[0]?.action();
    world.reportStalled();
    expect(ofKind(records, 'stalled')).toEqual([
      {
        kind: 'stalled',
        actor: 'world',
        clients: [
          { client: 'c1', state: 'requesting', waitingFor: { kind: 'request-answer' } },
          { client: 'c2', state: 'requesting', waitingFor: { kind: 'arrival' } },
        ],
      },
    ]);
    world.done = true;
    world.reportStalled();
    expect(ofKind(records, 'stalled')).toHaveLength(1);
  });

  it('a violation carries the index of the trace record that broke it, the one the reports mark', async () => {
    const c2Hangs: CreateProvider = (env) => (env.clientId === 'c2' ? hangs(env) : storeBacked(env));
    const result = await run(c2Hangs, { clients: 2, arrivalTimesMs: [0, 100], livenessBoundMs: 1_000, providerTimeoutMs: 100_000 });
    const violation = result.outcome.kind === 'violation' ? result.outcome.violation : undefined;
    const trace = result.trace ?? [];
    expect(violation?.kind).toBe('not-settled');
    expect(trace[violation?.recordIndex ?? -1]).toBe(ofKind(trace, 'liveness-deadline')[0]);
    expect(violatingRecordIndex(trace, result.outcome)).toBe(violation?.recordIndex);
    expect([violation?.step, violation?.timeMs]).toEqual([trace[violation?.recordIndex ?? -1]?.step, 1_100]);
    const unrecorded = await simulate({ config: unitConfig({ clients: 2, arrivalTimesMs: [0, 100], livenessBoundMs: 1_000, providerTimeoutMs: 100_000 }), source: sourceFromFactory(c2Hangs) });
    expect(unrecorded.outcome.kind === 'violation' && unrecorded.outcome.violation.recordIndex).toBeUndefined();
  });

  it('records every kind by default', () => {
    const records: string[] = [];
    const world = new World(unitConfig({ clients: 1, arrivalTimesMs: [0] }), sourceFromFactory(storeBacked), (observation) => records.push(observation.kind));
    world.start();
    world.queue.enabled()[0]?.action();
    expect(records).toEqual(['arrive', 'state']);
  });
});

describe('retention horizons', () => {
  const yearMs = 365 * 24 * 60 * 60 * 1000;

  it('a quiet year is an ordinary run: the clock jumps from horizon to horizon, one timer each', async () => {
    const result = await run(storeBacked, { clients: 1, arrivalTimesMs: [0], retentionHorizonsMs: [0, 600_000, yearMs], virtualTimeMsMax: 48 * 60 * 60 * 1000 + yearMs });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(ofKind(result.trace, 'probe').map((record) => `${record.actor} ${record.horizonMs}`)).toEqual(['probe-1 0', 'probe-2 600000', `probe-3 ${yearMs}`]);
    expect(result.endTimeMs).toBeGreaterThanOrEqual(yearMs);
    expect(result.steps).toBeLessThan(30);
  });

  it('the default virtual-time bound makes room for the last horizon', () => {
    const config = unitConfig({});
    expect(config.retentionHorizonsMs.at(-1)).toBe(10 * yearMs);
    expect(config.virtualTimeMsMax).toBe(48 * 60 * 60 * 1000 + 10 * yearMs);
  });
});
