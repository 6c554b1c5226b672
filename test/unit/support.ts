import { describeFinding } from '../../src/check/describe-violation.ts';
import type { Checker, PropertyName } from '../../src/check/violation.ts';
import type { RunConfig } from '../../src/config/run-config.ts';
import { exactClocks, noFaults } from '../../src/config/fault-plan.ts';
import { drawConfig, fixedLatency } from '../../src/config/swarm.ts';
import { timedStrategy } from '../../src/explore/timed-strategy.ts';
import { EventQueue } from '../../src/kernel/event-queue.ts';
import { HostWork } from '../../src/kernel/host-work.ts';
import { RandomStreams } from '../../src/kernel/random.ts';
import { symbolicCrypto } from '../../src/model/crypto-symbolic.ts';
import { withTokenSource, type TokenSource } from '../../src/model/auth/token-source.ts';
import { describeClientFailure, describeWaitingReason, type ClientFailure, type WaitingReason } from '../../src/model/client-outcomes.ts';
import { describeNetworkMessage } from '../../src/model/messages.ts';
import type { Observation, TraceRecord } from '../../src/model/observations.ts';
import type { WorldContext } from '../../src/model/world-context.ts';
import { sourceFromFactory, type ProviderSource } from '../../src/providers/source.ts';
import type { CreateProvider, EncryptionProvider } from '../../src/providers/types.ts';
import { simulate, type SimulationResult } from '../../src/simulate.ts';

/** An observation stamped as a trace record (step and time zero unless given). */
export function stamp(observation: Observation, step = 0, timeMs = 0): TraceRecord {
  return { ...observation, step, timeMs } as TraceRecord;
}

/** Feeds records to a checker in order and returns what it said about each, in words (undefined: nothing). */
export function feed(checker: Checker, observations: readonly Observation[]): (string | undefined)[] {
  return observations.map((observation) => {
    const finding = checker.observe(stamp(observation));
    return finding === undefined ? undefined : describeFinding(finding);
  });
}

/** The last thing a checker said after reading every record. */
export function verdict(checker: Checker, observations: readonly Observation[]): string | undefined {
  return feed(checker, observations).at(-1);
}

/** A provider caller's give-up, as a client failure. */
export function gaveUp(reason: string): ClientFailure {
  return { kind: 'provider-gave-up', reason };
}

/** A client state record: a failed one gives up with `failure` (by default its provider gave up). */
export function state(
  actor: string,
  value: Extract<Observation, { kind: 'state' }>['state'],
  extra: { waitingFor?: WaitingReason; failure?: ClientFailure; key?: string; content?: string; documentId?: string } = {},
): Observation {
  const { waitingFor = { kind: 'arrival' }, failure = gaveUp('it gave up'), documentId = 'd1', ...held } = extra;
  if (value === 'failed') return { kind: 'state', actor, documentId, state: value, failure };
  return { kind: 'state', actor, documentId, state: value, waitingFor, ...held };
}

/** A state record's old one-line detail: "waits for …", "collaborating", or why it failed. */
export function stateDetail(record: Extract<Observation, { kind: 'state' }>): string {
  if (record.state === 'failed') return describeClientFailure(record.failure);
  return record.state === 'collaborating' ? 'collaborating' : `waits for ${describeWaitingReason(record.waitingFor)}`;
}

/** A server session record. */
export function session(owner: string, status: 'pending' | 'established' | 'released', keyHint = 'h1', documentId = 'd1'): Observation {
  return { kind: 'session', actor: 'server', documentId, status, owner, keyHint };
}

/** A provider answer record: a new key (requestedHint null) unless a hint was asked for. */
export function answer(actor: string, key: string, keyHint: string, requestedHint: string | null = null, documentId = 'd1'): Observation {
  return { kind: 'provider-answer', actor, documentId, requestedHint, key, keyHint, hintGiven: true };
}

/** A world of the timed strategy with fixed 10 ms network and 5 ms key store, no faults, exact clocks. */
export function unitConfig(pins: Partial<Omit<RunConfig, 'seed'>> = {}, seed = 1): RunConfig {
  return drawConfig(seed, { faults: noFaults, clocks: exactClocks, strategy: 'timed', documents: 1, documentSpread: 'even', network: fixedLatency(10), keyStore: fixedLatency(5), ...pins });
}

/** A hand-made world context: a real queue, streams and host work, with every observation kept. */
export interface FakeWorld extends WorldContext {
  readonly records: Observation[];
  closed: boolean;
  /** Which kinds `wants` says yes to; all of them when undefined. */
  wanted: Set<string> | undefined;
}

export function fakeWorld(pins: Partial<Omit<RunConfig, 'seed'>> = {}, source: ProviderSource = factorySource(() => ({ key: 'k', keyHint: 'h' }))): FakeWorld {
  const records: Observation[] = [];
  const world: FakeWorld = {
    config: unitConfig(pins),
    queue: new EventQueue(),
    streams: new RandomStreams(1),
    source,
    hostWork: new HostWork(),
    crypto: symbolicCrypto,
    tokens: undefined,
    records,
    closed: false,
    wanted: undefined,
    emit: (observation) => {
      records.push(observation);
    },
    wants: (kind) => world.wanted === undefined || world.wanted.has(kind),
    pageFetch: () => undefined,
    get faultsHoldUntilMs() {
      return world.config.faults?.phaseEndMs ?? 0;
    },
    quietUntilMs: 0,
    moment: () => undefined,
  };
  return world;
}

/** Runs the earliest enabled events (by due time, then sequence) (settling user code and host work between them) until nothing is left or `untilMs`. */
export async function runQueue(world: WorldContext, untilMs = Number.POSITIVE_INFINITY): Promise<void> {
  for (let steps = 0; steps < 10_000; steps++) {
    await settle(world);
    const enabled = world.queue.enabled();
    const next = enabled[timedStrategy.choose(enabled, { step: steps, nowMs: world.queue.nowMs, clockReads: 0 })];
    if (next === undefined || next.dueMs > untilMs) return;
    world.queue.take(next);
    next.action();
  }
  throw new Error('runQueue: more than 10,000 events');
}

/** Drains user code and the model's host work. */
export async function settle(world: WorldContext): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const user = world.source.realm.settle();
    if (user !== undefined) {
      await user;
      continue;
    }
    const host = world.hostWork.drain();
    if (host === undefined) return;
    await host;
    await new Promise<void>((resolve) => setImmediate(resolve));
    world.source.realm.touch();
  }
}

/** A source whose every client's provider answers with `answer(request, clientId)` (a value, or a thrown error). */
export function factorySource(answer: (request: Parameters<EncryptionProvider>[0], clientId: string) => { key: string; keyHint?: string }): ProviderSource {
  const create: CreateProvider = (env) => async (request) => answer(request, env.clientId);
  return sourceFromFactory(create, 'unit');
}

/** A provider keeping one key per hint in the shared key store: the correct pattern. */
export const storeBacked: CreateProvider = (env) => async ({ documentId, keyHint }) => {
  if (keyHint !== null) {
    const key = await env.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for ${keyHint}`);
    return { key, keyHint };
  }
  const hint = `${env.clientId}-${Math.floor(env.random() * 1e6)}`;
  const key = `key-of-${hint}`;
  await env.keyStore.set(`${documentId}/${hint}`, key);
  return { key, keyHint: hint };
};

/** Runs a whole world with a provider factory and records its trace (checking only `properties`, if given). */
export function run(createProvider: CreateProvider, pins: Partial<Omit<RunConfig, 'seed'>> = {}, seed = 1, properties?: readonly PropertyName[], tokens?: TokenSource): Promise<SimulationResult> {
  const plain = sourceFromFactory(createProvider, 'unit');
  const source = tokens === undefined ? plain : withTokenSource(plain, tokens);
  return simulate({ config: unitConfig(pins, seed), source, record: true, ...(properties === undefined ? {} : { properties }) });
}

/** Runs a whole world like {@link run} and lists every event it chose as "key actor resources". */
export async function runEvents(createProvider: CreateProvider, pins: Partial<Omit<RunConfig, 'seed'>> = {}, properties?: readonly PropertyName[]): Promise<string[]> {
  const chosen: string[] = [];
  await simulate({
    config: unitConfig(pins),
    source: sourceFromFactory(createProvider, 'unit'),
    ...(properties === undefined ? {} : { properties }),
    wrapStrategy: (strategy) => ({
      ...strategy,
      choose: (enabled, context) => {
        const index = strategy.choose(enabled, context);
        const event = enabled[index];
        if (event !== undefined) chosen.push(`${event.key} ${event.actor} ${event.resources.join(',')}`);
        return index;
      },
    }),
  });
  return chosen;
}

/** The trace as "time actor what" lines, for ordered assertions on a part of it. */
export function lines(trace: readonly TraceRecord[] | undefined, keep: (record: TraceRecord) => boolean = () => true): string[] {
  return (trace ?? []).filter(keep).map((record) => `${record.timeMs} ${record.actor} ${describeRecord(record)}`);
}

function describeRecord(record: TraceRecord): string {
  switch (record.kind) {
    case 'state':
      return `${record.state}: ${stateDetail(record)}`;
    case 'deliver':
      return `gets ${describeNetworkMessage(record.message)} from ${record.from}`;
    case 'provider-call':
      return `asks for ${record.keyHint === null ? 'a new key' : `hint ${record.keyHint}`} (attempt ${record.attempt})`;
    case 'auth':
      return `${record.ok ? 'admits' : 'refuses'} ${record.client}${record.ok ? ` as ${record.role}` : `: ${record.error}`}`;
    case 'session':
      return `session ${record.status} by ${record.owner}`;
    default:
      return record.kind;
  }
}

/** The records of a trace of one kind. */
export function ofKind<K extends Observation['kind']>(trace: readonly Observation[] | undefined, kind: K): Extract<Observation, { kind: K }>[] {
  return (trace ?? []).filter((record): record is Extract<Observation, { kind: K }> => record.kind === kind);
}
