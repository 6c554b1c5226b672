import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { sweep } from '../src/explore/sweep.ts';
import { renderTimeline } from '../src/report/timeline.ts';
import { simulate } from '../src/simulate.ts';
import { buggyExamples, exampleSource, goodExamples, traceHash } from './support.ts';

describe('real crypto mode (WebCrypto)', () => {
  for (const name of [...goodExamples, ...buggyExamples]) {
    it(`gives the same verdict, decisions and timeline as symbolic mode on ${name} (only ciphertexts differ)`, async () => {
      const source = await exampleSource(name);
      const symbolic = await sweep({ source, runs: 25, seed: 40, pins: { crypto: 'symbolic', faultMode: 'never' } });
      const real = await sweep({ source, runs: 25, seed: 40, pins: { crypto: 'real', faultMode: 'never' } });
      expect(real.verdict).toBe(symbolic.verdict);
      expect(real.failure?.property).toBe(symbolic.failure?.property);
      if (real.failure !== undefined && symbolic.failure !== undefined) {
        const timeline = (result: typeof real.failure.replayed): string => renderTimeline(result.trace ?? [], result.outcome);
        expect(real.failure.replayed.decisions).toEqual(symbolic.failure.replayed.decisions);
        expect(timeline(real.failure.replayed)).toBe(timeline(symbolic.failure.replayed));
      }
    });
  }

  it('a provider that answers different keys fails with an encryption disconnect (AES-GCM authentication)', async () => {
    const source = await exampleSource('buggy-new-key-every-call.ts');
    const result = await simulate({ config: drawConfig(3, { crypto: 'real', faultMode: 'never' }), source, record: true, properties: ['agreement'] });
    expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe('agreement');
    expect(result.outcome.kind === 'violation' && result.outcome.violation.message).toContain('does not unwrap the session key (AES-GCM authentication fails)');
    const sealed = (result.trace ?? []).find((record) => record.kind === 'deliver' && record.message.type === 'createSession');
    expect(sealed?.kind === 'deliver' && sealed.message.type === 'createSession' && sealed.message.session.wrappedKey.scheme).toBe('aes-gcm');
  });

  it('stays deterministic while several clients wait on WebCrypto at once', async () => {
    const source = await exampleSource('good-store-backed-dynamic.ts');
    for (const seed of [1, 2, 3, 4, 5]) {
      const config = drawConfig(seed, { crypto: 'real', clients: 6, arrivalTimesMs: [0, 0, 0, 0, 0, 0], faultMode: 'always' });
      const first = await simulate({ config, source, record: true });
      const second = await simulate({ config, source, record: true });
      expect(first.outcome).toEqual({ kind: 'pass' });
      expect(traceHash(second)).toBe(traceHash(first));
    }
  });
});
