import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeConfig } from '../../src/cli/describe-config.ts';
import { configSchemasFor, runConfigSchema } from '../../src/config/config-schema.ts';
import { describeFaultPlan, type FaultEvent } from '../../src/config/fault-plan.ts';
import type { RunConfig } from '../../src/config/run-config.ts';
import { milliseconds } from '../../src/config/schema-parts.ts';
import { replayCounterexample, shrink } from '../../src/explore/shrink.ts';
import { renderMermaid } from '../../src/report/mermaid.ts';
import { simulate } from '../../src/simulate.ts';
import { assertNever } from '../../src/kernel/assert-never.ts';
import { builtInRegistry } from '../../src/config/components.ts';
import { faultVerb, type ComponentDefinition, type PlanShape } from '../../src/config/registry.ts';
import { factorySource, unitConfig } from './support.ts';

// A toy component, test-only: a bell tower whose `blackout` fault cuts one browser off for hours (its
// restart comes long after the liveness bound), drawn as its own lifeline. Nothing outside this file knows it.
const simplerPlansAsked: PlanShape[] = [];
const bellTower: ComponentDefinition = {
  name: 'bell-tower',
  faults: [
    faultVerb({
      kind: 'blackout',
      schema: z.object({ kind: z.literal('blackout'), atMs: milliseconds, client: z.string(), hours: z.number().int().min(1).max(24) }).strict(),
      describe: (fault) => `the bell tower blacks out ${fault.client} at ${fault.atMs}ms for ${fault.hours}h`,
      inject: (fault, world) => {
        world.record('bell', 'blackout', `${fault.client} is cut off for ${fault.hours}h`);
        world.client(fault.client)?.crash(fault.hours * 3_600_000);
      },
    }),
  ],
  simplerPlans: (plan) => {
    simplerPlansAsked.push(plan);
    return [];
  },
  lifelines: () => [{ actor: 'bell', label: 'bell tower' }],
};
const registry = builtInRegistry.with(bellTower);

const blackout = { kind: 'blackout', atMs: 5, client: 'c1', hours: 2 };
const spike = { kind: 'latency-spike', atMs: 1, durationMs: 500, factor: 5 } as const;
// A built-in config type cannot name the toy kind: the test-only fault goes in through the registry's schema.
const toyConfig = (events: readonly object[]): RunConfig =>
  ({ ...unitConfig({ clients: 2, arrivalTimesMs: [0, 0], retentionHorizonsMs: [0, 10] }), faults: { phaseEndMs: 1_000, events, keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 } }) as unknown as RunConfig;
const source = factorySource(() => ({ key: 'k', keyHint: 'h' }));

describe('a component added through the registry alone', () => {
  it('is in the schema: the registry accepts its fault, the built-in schema refuses it, and its fields are checked', () => {
    const schemas = configSchemasFor(registry.faultEventSchema());
    expect(schemas.runConfigSchema.safeParse(toyConfig([blackout, spike])).success).toBe(true);
    expect(runConfigSchema.safeParse(toyConfig([blackout])).success).toBe(false);
    const tooLong = schemas.runConfigSchema.safeParse(toyConfig([{ ...blackout, hours: 25 }]));
    expect(tooLong.success ? [] : tooLong.error.issues.map((issue) => issue.path.join('.'))).toEqual(['faults.events.0.hours']);
  });

  it('is in the config line, in its own words', () => {
    const config = toyConfig([spike, blackout]);
    expect(describeFaultPlan(config.faults ?? { phaseEndMs: 0, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 }, registry)).toBe(
      'latency ×5 at 1ms for 500ms; the bell tower blacks out c1 at 5ms for 2h; key-store failures 0% and timeouts 0% until 1000ms',
    );
    expect(describeConfig(config, registry)).toContain('faults: latency ×5 at 1ms for 500ms; the bell tower blacks out c1 at 5ms for 2h;');
    expect(() => describeFaultPlan(config.faults as NonNullable<RunConfig['faults']>)).toThrow('no component registers the fault kind blackout');
  });

  it('is in the trace and on its own lifeline', async () => {
    const result = await simulate({ config: toyConfig([blackout]), source, record: true, registry });
    const faults = (result.trace ?? []).filter((record) => record.kind === 'fault');
    expect(faults.map((record) => [record.timeMs, record.actor, record.kind === 'fault' ? record.detail : ''])).toEqual([[5, 'bell', 'c1 is cut off for 2h']]);
    expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe('liveness');
    const diagram = renderMermaid(result.trace ?? [], result.outcome, { registry });
    expect(diagram).toContain('participant bell as bell tower');
    expect(diagram).toContain('Note over bell: ⚡ blackout: c1 is cut off for 2h');
    expect(renderMermaid(result.trace ?? [], result.outcome)).not.toContain('participant bell');
  });

  it('is in the shrinker: its fault is replayed and kept while an unneeded one goes, and its own steps are asked for', async () => {
    const config = toyConfig([spike, blackout]);
    const start = await replayCounterexample(source, config, [], registry);
    expect(start.result.outcome.kind).toBe('violation');
    simplerPlansAsked.length = 0;
    const report = await shrink(source, start, 'liveness', 400, registry);
    expect(report.shrunk.config.faults?.events).toEqual([blackout]);
    expect(simplerPlansAsked.some((plan) => plan.events.some((event) => event.kind === 'blackout'))).toBe(true);
  });
});

describe('the compiler guards the unions', () => {
  it('a fault verb without its words, or a switch that forgets a case, does not compile', () => {
    const wordless = () =>
      // @ts-expect-error a fault verb must say how it reads in the config line
      faultVerb({ kind: 'silent', schema: z.object({ kind: z.literal('silent') }) });
    expect(wordless().kind).toBe('silent');
    const kindOf = (fault: FaultEvent): string => {
      switch (fault.kind) {
        case 'disconnect':
        case 'crash':
        case 'partition':
        case 'latency-spike':
        case 'server-restart':
        case 'key-store-failure':
          return fault.kind;
        default:
          // @ts-expect-error 'clock-sync' is not handled, so `fault` is not `never` here
          return assertNever(fault, 'fault');
      }
    };
    expect(() => kindOf({ kind: 'clock-sync', atMs: 0, client: 'c1' })).toThrow('unhandled fault: {"kind":"clock-sync","atMs":0,"client":"c1"}');
  });

  it('every built-in fault kind has a verb, and two components cannot claim one kind', () => {
    const kinds = builtInRegistry.verbs().map((verb) => verb.kind);
    expect(kinds).toEqual(['disconnect', 'crash', 'crash-at', 'clock-sync', 'partition', 'latency-spike', 'server-restart', 'key-store-failure', 'backend-crash', 'response-lost', 'rolling-deploy', 'page-reload']);
    expect(() => registry.with(bellTower)).toThrow('two components register the fault kind blackout');
  });
});
