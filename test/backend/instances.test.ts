import { describe, expect, it } from 'vitest';
import { configSchemasFor } from '../../src/config/config-schema.ts';
import { describeConfig } from '../../src/cli/describe-config.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { drawWorld, sweep } from '../../src/explore/sweep.ts';
import { replayCounterexample, shrink } from '../../src/explore/shrink.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { describeRecord } from '../../src/report/describe-record.ts';
import { simulate, type SimulationResult } from '../../src/simulate.ts';
import type { ProviderSource } from '../../src/providers/source.ts';
import type { RunConfig } from '../../src/config/run-config.ts';
import { builtInRegistry } from '../../src/config/components.ts';
import { faultVerb, type ComponentDefinition } from '../../src/config/registry.ts';
import { z } from 'zod';
import { scriptedWorld } from '../../scenarios/scripted-world.ts';

const examples = new URL('../../examples/', import.meta.url).pathname;

async function source(provider: string, backend?: string): Promise<ProviderSource> {
  const loaded = await loadProviderSource(`${examples}${provider}`, undefined, backend === undefined ? undefined : `${examples}${backend}`);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

const lockStack = (): Promise<ProviderSource> => source('stacks/pglite-raw-sql/provider.ts', 'stacks/pglite-raw-sql/buggy-in-process-lock.ts');
const goodStack = (): Promise<ProviderSource> => source('stacks/pglite-raw-sql/provider.ts', 'stacks/pglite-raw-sql/good-backend.ts');
const lines = (run: SimulationResult): string[] => (run.trace ?? []).map((record) => `${record.actor} ${describeRecord(record)}`);

describe('several backend instances behind a load balancer', () => {
  it('a lock held in one process’s memory: passes with one instance, is caught with several, shrinks to two and replays byte for byte', async () => {
    const stack = await lockStack();
    const single = await sweep({ source: stack, runs: 60, seed: 1, pins: { backendInstances: 1 } });
    expect(single.failure?.message).toBeUndefined();

    const drawn = await sweep({ source: stack, runs: 100, seed: 1, pins: {} });
    expect(drawn.failure?.property).toBe('hint-stability');
    const failure = drawn.failure!;
    expect(failure.config.backendInstances).toBeGreaterThan(1);
    const start = { config: failure.config, decisions: failure.replayed.decisions ?? [], result: failure.replayed };
    const report = await shrink(stack, start, 'hint-stability', 120);
    expect(report.after.backendInstances).toBe(2);
    expect(report.after.clients).toBe(2);
    const again = await replayCounterexample(stack, report.shrunk.config, report.shrunk.decisions);
    expect(JSON.stringify(again.result.trace)).toBe(JSON.stringify(report.shrunk.result.trace));
    // The two creates ran on two instances: each answered from its own memory.
    const receivers = lines(again.result).filter((line) => / receives GET \/api\/documents\/d1\/key \(/.test(line)).map((line) => line.split(' ')[0]);
    expect(new Set(receivers).size).toBe(2);
  }, 180_000);

  it('a good stack passes with three instances under every balancer policy', async () => {
    const stack = await goodStack();
    for (const balancer of ['round-robin', 'random', 'sticky'] as const) {
      const report = await sweep({ source: stack, runs: 15, seed: 1, pins: { backendInstances: 3, balancer } });
      expect(report.failure?.message, balancer).toBeUndefined();
    }
  }, 180_000);

  it('the swarm draws 1–3 instances and a policy per seed in worlds with a backend, and none without one', async () => {
    const stack = await goodStack();
    const counts = new Set<number>();
    const policies = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const world = drawWorld(seed, {}, stack);
      counts.add(world.backendInstances ?? 0);
      policies.add(world.balancer ?? '');
      expect(drawConfig(seed, {}).backendInstances).toBeUndefined();
    }
    expect([...counts].sort()).toEqual([1, 2, 3]);
    expect([...policies].sort()).toEqual(['random', 'round-robin', 'sticky']);
    expect(drawWorld(7, { backendInstancesMin: 4, backendInstancesMax: 5 }, stack).backendInstances).toBeGreaterThanOrEqual(4);
    expect(describeConfig(drawWorld(7, { backendInstances: 2, balancer: 'sticky' }, stack))).toContain('2 backend instances behind a sticky balancer');
  });

  it('round robin spreads one browser’s requests over the instances; sticky keeps each browser on one', async () => {
    const stack = await goodStack();
    const receiversByClient = async (balancer: 'round-robin' | 'sticky'): Promise<Map<string, Set<string>>> => {
      const config = drawWorld(3, { ...scriptedWorld([0, 5, 10]), backendInstances: 3, balancer }, stack);
      const run = await simulate({ config, source: stack, record: true });
      expect(run.outcome.kind).toBe('pass');
      const byClient = new Map<string, Set<string>>();
      for (const record of run.trace ?? []) {
        if (record.kind !== 'deliver' || record.message.type !== 'http-request') continue;
        const receivers = byClient.get(record.from) ?? new Set<string>();
        receivers.add(record.actor);
        byClient.set(record.from, receivers);
      }
      return byClient;
    };
    const sticky = await receiversByClient('sticky');
    for (const receivers of sticky.values()) expect(receivers.size).toBe(1);
    const roundRobin = await receiversByClient('round-robin');
    const all = new Set([...roundRobin.values()].flatMap((receivers) => [...receivers]));
    expect([...all].sort()).toEqual(['backend#1', 'backend#2', 'backend#3']);
  }, 120_000);

  it('a crash aimed at one instance leaves the others serving; a rolling deploy starts a new instance while the old one serves, then drains it', async () => {
    const stack = await goodStack();
    const crash = { kind: 'backend-crash' as const, atMs: 0, downMs: 10_000, hosts: ['backend#2'] };
    const plan = (events: RunConfig['faults'] extends infer P ? (P extends { events: infer E } ? E : never) : never) => ({ phaseEndMs: 20_000, events, keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 });
    const crashed = await simulate({ config: drawWorld(4, { ...scriptedWorld([100, 200]), backendInstances: 2, balancer: 'round-robin', faults: plan([crash]) }, stack), source: stack, record: true });
    const crashedText = lines(crashed);
    expect(crashedText.filter((line) => / ⚡ crash: /.test(line)).map((line) => line.split(' ')[0])).toEqual(['backend#2']);
    expect(crashed.outcome.kind).toBe('pass');

    const deploy = await simulate({ config: drawWorld(4, { ...scriptedWorld([0, 50]), backendInstances: 2, faults: plan([{ kind: 'rolling-deploy', atMs: 5 }]) }, stack), source: stack, record: true });
    const deployText = lines(deploy);
    const index = (pattern: RegExp): number => deployText.findIndex((line) => pattern.test(line));
    expect(index(/^backend#3 the backend listens/)).toBeGreaterThan(-1);
    expect(index(/^backend#1 .*drain/)).toBeGreaterThan(index(/^backend#3 the backend listens/));
    expect(index(/^backend#4 the backend listens/)).toBeGreaterThan(index(/^backend#1 .*drain/));
    expect(index(/^backend#2 .*drain/)).toBeGreaterThan(index(/^backend#4 the backend listens/));
    expect(deploy.outcome.kind).toBe('pass');
  }, 120_000);

  it('a toy host kind and its fault verb, aimed at an address set, reach the trace, the config line, the schema, the shrinker and the lifelines', async () => {
    const bells = {
      name: 'bell-tower',
      hosts: (context) =>
        ['bell#1', 'bell#2', 'bell#3'].map((address) => ({
          address,
          kind: 'bell',
          crash: (downMs: number) => {
            context.record(address, 'cracked', `silent for ${downMs}ms`);
            context.schedule(`${address}-rings-again`, address, downMs, () => context.record(address, 'rings again', 'mended'));
          },
        })),
      faults: [
        faultVerb({
          kind: 'bells-crack',
          schema: z.object({ kind: z.literal('bells-crack'), atMs: z.number().int().min(0), hosts: z.array(z.string()).readonly() }).strict(),
          describe: (fault) => `${fault.hosts.join(' and ')} crack at ${fault.atMs}ms`,
          inject: (fault, world) => world.crash(fault.hosts.filter((host) => world.addresses('bell').includes(host)), 1_000),
        }),
      ],
      lifelines: (actors) => [...new Set(actors.filter((actor) => actor.startsWith('bell#')))].map((actor) => ({ actor, label: actor })),
    } satisfies ComponentDefinition;
    const registry = builtInRegistry.with(bells);
    const provider = await source('providers/buggy-new-key-every-call.ts');
    const fault = { kind: 'bells-crack', atMs: 10, hosts: ['bell#1', 'bell#3'] } as const;
    const config = { ...drawConfig(1, { faultMode: 'never' }), faults: { phaseEndMs: 5_000, events: [fault], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 } } as unknown as RunConfig;

    expect(configSchemasFor(registry.faultEventSchema()).runConfigSchema.safeParse(config).success).toBe(true);
    expect(configSchemasFor(builtInRegistry.faultEventSchema()).runConfigSchema.safeParse(config).success).toBe(false);
    expect(describeConfig(config, registry)).toContain('bell#1 and bell#3 crack at 10ms');
    const run = await simulate({ config, source: provider, record: true, registry });
    const text = lines(run);
    expect(text.filter((line) => /cracked/.test(line))).toEqual(['bell#1 ⚡ cracked: silent for 1000ms', 'bell#3 ⚡ cracked: silent for 1000ms']);
    expect(registry.lifelines((run.trace ?? []).map((record) => record.actor)).map((line) => line.actor)).toEqual(expect.arrayContaining(['bell#1', 'bell#3']));
    // The provider fails whatever the bells do: the shrinker drops the toy fault like any other.
    expect(run.outcome.kind).toBe('violation');
    const property = run.outcome.kind === 'violation' ? run.outcome.violation.property : 'liveness';
    const shrunk = await shrink(provider, { config, decisions: run.decisions ?? [], result: run }, property, 60, registry);
    expect(shrunk.shrunk.config.faults?.events ?? []).toEqual([]);
  }, 120_000);
});
