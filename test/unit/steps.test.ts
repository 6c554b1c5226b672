import { describe, expect, it } from 'vitest';
import { toDecisionFile } from '../../src/explore/decision-file.ts';
import { replayStrategy } from '../../src/explore/replay-strategy.ts';
import type { CreateProvider } from '../../src/providers/types.ts';
import { toTraceJson } from '../../src/report/trace-json.ts';
import { ofKind, run, storeBacked, unitConfig } from './support.ts';

describe('one step numbering, from 0, end to end', () => {
  it('a record\'s step is the index in the decision log of the event that made it', async () => {
    const result = await run(storeBacked, { clients: 2, arrivalTimesMs: [0, 40], retentionHorizonsMs: [0, 10] });
    const decisions = result.decisions ?? [];
    const trace = result.trace ?? [];
    expect(trace[0]?.step).toBe(0);
    expect(ofKind(trace, 'arrive').map((record) => decisions[(record as unknown as { step: number }).step])).toEqual(['arrive:c1', 'arrive:c2']);
    const probes = trace.filter((record) => record.kind === 'phase' && record.phase === 'quiet');
    expect(probes.map((record) => decisions[record.step]).every((key) => key?.startsWith('store:probe-1#'))).toBe(true);
  });

  it('the trace JSON, the decision file and a violation number their steps the same way', async () => {
    const hangs: CreateProvider = (env) => (env.clientId === 'c2' ? () => new Promise(() => undefined) : storeBacked(env));
    const config = unitConfig({ clients: 2, arrivalTimesMs: [0, 100], livenessBoundMs: 1_000, providerTimeoutMs: 100_000 });
    const result = await run(hangs, config);
    const decisions = result.decisions ?? [];
    const violation = result.outcome.kind === 'violation' ? result.outcome.violation : undefined;
    expect(decisions[violation?.step ?? -1]).toBe('liveness-deadline');
    const traceJson = toTraceJson({ module: 'm.ts', result });
    expect(traceJson.decisions.map((decision) => decision.step)).toEqual(decisions.map((_, index) => index));
    const file = toDecisionFile({ module: 'm.ts', property: 'liveness', message: '', originalSeed: 1, config, result, defaults: decisions.map(() => null) });
    const arrival = file.decisions.find((decision) => decision.event === 'arrive:c2');
    expect(arrival?.meaning).toBe('c2: opens d1');
    expect(arrival?.step).toBe(decisions.indexOf('arrive:c2'));
  });

  it('a replay names the first decision it could not follow by that same step', () => {
    const drift = { missed: 0, firstMissedStep: undefined as number | undefined };
    const strategy = replayStrategy(['arrive:c1', 'gone'], drift);
    const enabled = [{ key: 'arrive:c1', actor: 'c1', resources: [], dueMs: 0, sequence: 0 }] as unknown as Parameters<typeof strategy.choose>[0];
    strategy.choose(enabled, { step: 0, nowMs: 0, clockReads: 0 });
    strategy.choose(enabled, { step: 1, nowMs: 0, clockReads: 0 });
    expect(drift).toEqual({ missed: 1, firstMissedStep: 1, firstMissedEvent: 'gone' });
  });
});
