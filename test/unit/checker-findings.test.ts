import { describe, expect, it } from 'vitest';
import { describeFinding } from '../../src/check/describe-violation.ts';
import { determinism } from '../../src/check/properties/determinism.ts';
import { liveness } from '../../src/check/properties/liveness.ts';
import { providerContract } from '../../src/check/properties/provider-contract.ts';
import type { Checker } from '../../src/check/violation.ts';
import type { ClientStatus, Observation } from '../../src/model/observations.ts';
import { answer, stamp } from './support.ts';

// The findings as data, not only in words: whose code it was, when a liveness finding was made, and what a
// waiting client carries. The JSON report and the HTML report read these fields; checkers.test.ts pins the words.

const findings = (checker: Checker, observations: readonly Observation[]) => observations.map((observation) => checker.observe(stamp(observation)));

const c1Waits: ClientStatus = { client: 'c1', state: 'joining', waitingFor: { kind: 'provider-answer', keyHint: 'h1' } };
const c2Waits: ClientStatus = { client: 'c2', state: 'waiting', waitingFor: { kind: 'arrival' } };
const failed = (times: number): Observation => ({ kind: 'provider-failure', actor: 'c1', documentId: 'd1', requestedHint: 'h1', failure: 'timeout', message: `no answer (${times})` });

describe('whose code a finding names', () => {
  it('nondeterminism: a provider’s unless the record says the backend’s', () => {
    const [provider, backend] = findings(determinism(), [
      { kind: 'nondeterminism', actor: 'c2', api: 'Date.now', detail: 'the real clock' },
      { kind: 'nondeterminism', actor: 'backend#2', api: 'fetch()', detail: 'a real request', origin: 'backend' },
    ]);
    expect(provider).toEqual({ kind: 'nondeterminism', client: 'c2', whose: 'provider', api: 'Date.now', detail: 'the real clock' });
    expect(backend).toEqual({ kind: 'nondeterminism', client: 'backend#2', whose: 'backend', api: 'fetch()', detail: 'a real request' });
    expect(backend === undefined ? '' : describeFinding(backend)).toBe('the backend called fetch(): a real request');
  });

  it('a broken contract: the provider’s, or the backend module’s', () => {
    expect(findings(providerContract(), [{ kind: 'provider-contract', actor: 'c3', problem: 'key must be a string' }, { kind: 'backend', actor: 'backend', event: 'contract', problem: 'creation-threw', detail: 'no DATABASE_URL' }])).toEqual([
      { kind: 'contract-broken', client: 'c3', whose: 'provider', problem: 'key must be a string' },
      { kind: 'contract-broken', client: 'backend', whose: 'backend', problem: 'no DATABASE_URL' },
    ]);
  });
});

describe('liveness findings', () => {
  it('say when they were made: at the deadline, or when nothing was left to happen', () => {
    const [deadline, stalled] = findings(liveness(), [
      { kind: 'liveness-deadline', actor: 'world', clients: [c1Waits] },
      { kind: 'stalled', actor: 'world', clients: [c1Waits, c2Waits] },
    ]);
    expect(deadline).toStrictEqual({ kind: 'not-settled', when: 'deadline', waiting: [c1Waits] });
    expect(stalled).toStrictEqual({ kind: 'not-settled', when: 'stalled', waiting: [c1Waits, c2Waits] });
    expect(stalled === undefined ? '' : describeFinding(stalled)).toBe(
      'nothing was left to happen but the run had not finished: c1 (joining) waits for its provider to answer keyHint "h1"; c2 (waiting) waits for arrival',
    );
  });

  it('a waiting client carries how its provider has failed since it last answered, and nothing once it has answered', () => {
    const checker = liveness();
    const [, , failing] = findings(checker, [failed(1), failed(2), { kind: 'liveness-deadline', actor: 'world', clients: [c1Waits, c2Waits] }]);
    expect(failing).toStrictEqual({ kind: 'not-settled', when: 'deadline', waiting: [{ ...c1Waits, providerFailing: { times: 2, last: 'timeout: no answer (2)' } }, c2Waits] });
    const [, recovered] = findings(checker, [answer('c1', 'k1', 'h1'), { kind: 'stalled', actor: 'world', clients: [c1Waits] }]);
    expect(recovered).toStrictEqual({ kind: 'not-settled', when: 'stalled', waiting: [c1Waits] });
    const [, again] = findings(checker, [failed(3), { kind: 'stalled', actor: 'world', clients: [c1Waits] }]);
    expect(again).toStrictEqual({ kind: 'not-settled', when: 'stalled', waiting: [{ ...c1Waits, providerFailing: { times: 1, last: 'timeout: no answer (3)' } }] });
  });
});

describe('a finding of a kind nobody describes', () => {
  it('is a programmer error, not a sentence', () => {
    expect(() => describeFinding({ kind: 'bogus' } as unknown as Parameters<typeof describeFinding>[0])).toThrow('unhandled case: {"kind":"bogus"}');
  });
});
