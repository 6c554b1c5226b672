import { describe, expect, it } from 'vitest';
import { noFaults } from '../../src/config/fault-plan.ts';
import { assumptionsLine } from '../../src/report/assumptions.ts';
import { durationWords } from '../../src/kernel/format.ts';

describe('assumptionsLine: what a sweep with these pins assumed of the deployment', () => {
  it('says the defaults of today\'s model in one line', () => {
    expect(assumptionsLine({})).toBe(
      '3 clients, 1–3 documents, strong consistency, faults in half the seeds, indeterminate timeouts, crash points at protocol moments, retention checked up to 10 years, origin https://app.example',
    );
  });

  it('follows the pins: consistency, documents, clients, faults, quiet period and origin', () => {
    const line = assumptionsLine({
      clientsMin: 2,
      clientsMax: 5,
      documents: 2,
      keyStoreConsistency: { mode: 'eventual', lagMs: 500 },
      faultMode: 'always',
      retentionHorizonsMs: [0, 30 * 24 * 60 * 60 * 1000],
      origin: 'http://localhost:3000',
    });
    expect(line).toBe(
      '2–5 clients, 2 documents, eventual consistency (reads lag up to 500ms), faults in every seed, indeterminate timeouts, crash points at protocol moments, retention checked up to 30 days, origin http://localhost:3000',
    );
  });

  it('without faults it does not speak of failed operations', () => {
    expect(assumptionsLine({ faultMode: 'never' })).toContain('strong consistency, no faults, retention');
    expect(assumptionsLine({ faults: noFaults, faultMode: 'always' })).toContain(', no faults, ');
    expect(assumptionsLine({ faults: { ...noFaults, keyStoreTimeoutRate: 0.1 } })).toContain(', the pinned fault plan in every seed, failed/timed-out operations never applied, ');
  });

  it('a pinned plan says whether its timeouts are indeterminate and whether it has crash points', () => {
    const crashPoint = { kind: 'crash-at' as const, client: 'c1', moment: 'session-established' as const, action: 'crash' as const, afterMs: 500 };
    expect(assumptionsLine({ faults: { ...noFaults, phaseEndMs: 1_000, keyStoreTimeoutRate: 0.1, keyStoreIndeterminateAppliedRate: 0.5 } })).toContain(
      ', the pinned fault plan in every seed, indeterminate timeouts, retention',
    );
    expect(assumptionsLine({ faults: { ...noFaults, phaseEndMs: 1_000, events: [crashPoint] } })).toContain(
      ', failed/timed-out operations never applied, crash points at protocol moments, retention',
    );
  });

  it('never claims more documents than clients (the world caps them)', () => {
    expect(assumptionsLine({ clients: 1, documents: 3 })).toMatch(/^1 client, 1 document, /);
    expect(assumptionsLine({ clientsMin: 2, clientsMax: 4, documents: 9 })).toMatch(/^2–4 clients, 2–4 documents, /);
    expect(assumptionsLine({ documents: { min: 1, max: 2 } })).toMatch(/^3 clients, 1–2 documents, /);
  });

  it('durations in the largest unit that divides them', () => {
    expect([1, 500, 1_000, 90_000, 3_600_000, 86_400_000, 1_500].map(durationWords)).toEqual(['1ms', '500ms', '1 second', '90 seconds', '1 hour', '1 day', '1500ms']);
  });
});
