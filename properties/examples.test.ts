import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sweep } from '../src/explore/sweep.ts';
import { buggyExamples, exampleSource, goodExamples } from './support.ts';

// The properties each buggy example is allowed to be caught by: a catch by an unrelated property would mean
// the model, not the provider, misbehaved.
const expectedCatch: Record<string, readonly string[]> = {
  'buggy-new-key-every-call.ts': ['hint-stability'],
  'buggy-memory-only-keys.ts': ['hint-stability', 'agreement', 'retention'],
  'buggy-discard-previous-key.ts': ['liveness', 'retention'],
  'buggy-unawaited-write.ts': ['hint-stability', 'agreement'],
  'buggy-timestamp-hint-overwrite.ts': ['hint-stability', 'agreement'],
  'buggy-expiring-keys.ts': ['hint-stability', 'retention', 'agreement'],
  'buggy-swallowed-write.ts': ['liveness', 'retention', 'agreement'],
  'buggy-fresh-key-on-retry.ts': ['hint-stability', 'retention', 'agreement'],
  'buggy-write-behind-keys.ts': ['liveness', 'retention', 'agreement'],
  'buggy-cache-without-document.ts': ['hint-stability', 'retention', 'agreement'],
  'buggy-shared-recent-key.ts': ['retention', 'liveness'],
  'buggy-keys-expire-after-30-days.ts': ['retention'],
  'buggy-broadcast-document-key.ts': ['hint-stability', 'retention', 'agreement'],
  'buggy-debounced-key-save.ts': ['liveness', 'retention', 'agreement'],
  'buggy-keys-in-local-storage.ts': ['retention', 'hint-stability', 'agreement', 'liveness'],
  'buggy-two-year-cryptoperiod.ts': ['retention'],
};

describe('bundled examples', () => {
  it('every buggy example has a stated expected catch, and there are good and buggy examples', () => {
    expect(goodExamples.length).toBeGreaterThanOrEqual(3);
    expect(buggyExamples.length).toBeGreaterThanOrEqual(5);
    for (const name of buggyExamples) expect(Object.keys(expectedCatch)).toContain(name);
  });

  for (const name of goodExamples) {
    it(`${name} keeps every property over 1,200 schedules from arbitrary first seeds`, async () => {
      const source = await exampleSource(name);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2 }), async (seed, clients, documents) => {
          const report = await sweep({ source, runs: 300, seed, pins: { clients, documents } });
          expect(report.failure?.message).toBeUndefined();
          expect(report.verdict).toBe('pass');
        }),
        { numRuns: 4 },
      );
    });
  }

  for (const name of buggyExamples) {
    it(`${name} is caught within the default budget of 2,000 runs, by the property it breaks`, async () => {
      const source = await exampleSource(name);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
          const report = await sweep({ source, runs: 2000, seed, pins: {} });
          expect(report.verdict).toBe('fail');
          expect(expectedCatch[name]).toContain(report.failure?.property);
        }),
        { numRuns: 3 },
      );
    });
  }
});
