import { describe, expect, it } from 'vitest';
import { secureContextRequired } from '../src/config/origin.ts';
import { describeClientFailure } from '../src/model/client-outcomes.ts';
import { describeConfig } from '../src/cli/describe-config.ts';
import { scenarioEnding } from '../src/scenario.ts';
import { scenario as insecureScenario } from './secure-context.ts';
import { scenario as localhostScenario } from './secure-context-localhost.ts';
import { playScenario, storyOf, timelineOf } from './support.ts';

describe('scenario secure-context: the seeds\' "RTC services require a secure context"', async () => {
  const result = await playScenario('secure-context');
  const trace = result.trace ?? [];

  it('a page on plain http://staging.example stops the plugin with the seed\'s text, before any provider call or message', () => {
    expect(storyOf(trace)).toEqual(['c1 is failed']);
    const failed = trace.find((record) => record.kind === 'state' && record.state === 'failed');
    expect(failed?.kind === 'state' && failed.failure.kind).toBe('insecure-context');
    expect(failed?.kind === 'state' && failed.failure !== undefined && describeClientFailure(failed.failure)).toBe('RTC services require a secure context');
    expect(secureContextRequired).toBe('RTC services require a secure context');
    expect(scenarioEnding(result)).toBe('liveness');
    expect(describeConfig(result.config)).toContain('origin http://staging.example (not a secure context)');
  });

  it('pins the whole trace', () => {
    expect(timelineOf(result)).toMatchInlineSnapshot(`
      "   0          0ms  c1       opens d1
         0          0ms  c1       failed: RTC services require a secure context
      ✗ liveness violated at step 0 (0ms, c1): c1 gave up on d1: RTC services require a secure context"
    `);
  });
});

describe('scenario secure-context-localhost: the same world from http://localhost:3000 runs the race', async () => {
  const result = await playScenario('secure-context-localhost');
  const trace = result.trace ?? [];

  it('differs from secure-context by its origin only', () => {
    const { origin: insecureOrigin, ...insecurePins } = insecureScenario.pins;
    const { origin: localhostOrigin, ...localhostPins } = localhostScenario.pins;
    expect(localhostPins).toEqual(insecurePins);
    expect([insecureOrigin, localhostOrigin]).toEqual(['http://staging.example', 'http://localhost:3000']);
    expect(localhostScenario.provider).toBe(insecureScenario.provider);
  });

  it('localhost is exempt: both browsers collaborate with one key and the seed\'s text never appears', () => {
    const collaborating = trace.filter((record) => record.kind === 'state' && record.state === 'collaborating');
    expect(collaborating.map((record) => record.actor)).toEqual(['c1', 'c2']);
    expect(new Set(collaborating.map((record) => (record.kind === 'state' ? record.key : undefined))).size).toBe(1);
    expect(timelineOf(result)).not.toContain(secureContextRequired);
    expect(scenarioEnding(result)).toBe('pass');
    expect(describeConfig(result.config)).toMatch(/origin http:\/\/localhost:3000$/);
  });

  it('pins the whole trace: exactly the seeds\' race (scenario seeds-race, pinned there)', async () => {
    const seedsRace = await playScenario('seeds-race');
    expect(timelineOf(result)).toBe(timelineOf(seedsRace));
    expect(timelineOf(result).split('\n').length).toBeGreaterThan(20);
  });
});
