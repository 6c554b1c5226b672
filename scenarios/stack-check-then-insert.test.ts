import { describe, expect, it } from 'vitest';
import { describeRecord } from '../src/report/describe-record.ts';
import { playScenario } from './support.ts';

describe('scenario stack-check-then-insert: the seeds\' race through a key service that checks, then inserts', async () => {
  const result = await playScenario('stack-check-then-insert');
  const lines = (result.trace ?? []).map((record) => `${record.actor} ${describeRecord(record)}`);
  const indexOf = (pattern: RegExp): number => {
    const index = lines.findIndex((line) => pattern.test(line));
    expect(index, `expected a line matching ${pattern}`).toBeGreaterThanOrEqual(0);
    return index;
  };

  it('2. both providers reach the key service asking for a new key', () => {
    expect(indexOf(/^backend receives GET \/api\/documents\/d1\/key \(c1\.1\) from c1$/)).toBeGreaterThan(indexOf(/^c1 calls provider\(\{ documentId: "d1", keyHint: null \}\)$/));
    expect(indexOf(/^backend receives GET \/api\/documents\/d1\/key \(c2\.1\) from c2$/)).toBeGreaterThan(indexOf(/^c2 calls provider\(\{ documentId: "d1", keyHint: null \}\)$/));
  });

  it('3–4. both SELECTs find no version before either INSERTs v1', () => {
    const selects = [indexOf(/^database c1\.1: SELECT version.* → 0 rows$/), indexOf(/^database c2\.1: SELECT version.* → 0 rows$/)];
    const inserts = [indexOf(/^database c1\.1: INSERT INTO document_keys .* → 1 row affected$/), indexOf(/^database c2\.1: INSERT INTO document_keys .* → 1 row affected$/)];
    expect(Math.max(...selects)).toBeLessThan(Math.min(...inserts));
  });

  it('5. both answers carry hint v1 with different keys, and hint-stability breaks', () => {
    const answers = (result.trace ?? []).filter((record) => record.kind === 'provider-answer');
    expect(answers.map((record) => (record.kind === 'provider-answer' ? [record.actor, record.keyHint] : []))).toEqual([['c1', 'v1'], ['c2', 'v1']]);
    expect(new Set(answers.map((record) => (record.kind === 'provider-answer' ? record.key : ''))).size).toBe(2);
    expect(result.outcome.kind === 'violation' ? result.outcome.violation.property : result.outcome.kind).toBe('hint-stability');
  });
});
