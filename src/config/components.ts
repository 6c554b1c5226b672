import { z } from 'zod';
import { clientName, milliseconds } from './schema-parts.ts';
import { backendComponent } from './backend-component.ts';
import { pageComponent } from './page-component.ts';
import { faultVerb, Registry, type ComponentDefinition, type FaultOf, type Lifeline, type PlanShape } from './registry.ts';
import { describeMoment, momentNames } from './moments.ts';

const byNumber = (left: string, right: string): number => Number(left.replace(/\D/g, '')) - Number(right.replace(/\D/g, ''));
const lifelinesMatching = (pattern: RegExp) => (actors: readonly string[]): Lifeline[] =>
  [...new Set(actors.filter((actor) => pattern.test(actor)))].sort(byNumber).map((actor) => ({ actor, label: actor }));

/** The simulated browsers: each one's connection, memory and clock. */
const browser = {
  name: 'browser',
  faults: [
    faultVerb({
      kind: 'disconnect',
      schema: z.object({ kind: z.literal('disconnect'), atMs: milliseconds, client: clientName, reconnectAfterMs: milliseconds }).strict(),
      describe: (fault) => `${fault.client} disconnects at ${fault.atMs}ms (reconnects after ${fault.reconnectAfterMs}ms)`,
      inject: (fault, world) => {
        world.record(fault.client, 'disconnect', `the connection drops; the plugin reconnects after ${fault.reconnectAfterMs}ms`);
        world.client(fault.client)?.disconnect(fault.reconnectAfterMs);
      },
      draw: (stream, { atMs, client }) => ({ kind: 'disconnect' as const, atMs, client, reconnectAfterMs: stream.pick([200, 2_000, 60_000]) }),
    }),
    faultVerb({
      kind: 'crash',
      schema: z.object({ kind: z.literal('crash'), atMs: milliseconds, client: clientName, restartAfterMs: milliseconds }).strict(),
      describe: (fault) => `${fault.client} crashes at ${fault.atMs}ms (restarts after ${fault.restartAfterMs}ms)`,
      inject: (fault, world) => {
        world.record(fault.client, 'crash', `the browser crashes and restarts after ${fault.restartAfterMs}ms`);
        world.client(fault.client)?.crash(fault.restartAfterMs);
      },
      draw: (stream, { atMs, client }) => ({ kind: 'crash' as const, atMs, client, restartAfterMs: stream.pick([500, 5_000, 60_000]) }),
    }),
    // A crash point (buggify): waits for a protocol moment of its client instead of a time, and fires once.
    // Drawn by the swarm's own crash-point draw (config/swarm.ts), not among the timed faults.
    faultVerb({
      kind: 'crash-at',
      schema: z
        .object({ kind: z.literal('crash-at'), client: clientName, moment: z.enum(momentNames), action: z.enum(['crash', 'disconnect']), afterMs: milliseconds })
        .strict(),
      describe: (fault) =>
        `${fault.client} ${fault.action === 'crash' ? 'crashes' : 'disconnects'} the moment ${describeMoment(fault.moment)} (${fault.action === 'crash' ? 'restarts' : 'reconnects'} after ${fault.afterMs}ms)`,
      atMoment: (fault, moment, world) => {
        if (moment.kind !== fault.moment || moment.client !== fault.client) return false;
        const client = world.client(fault.client);
        if (client === undefined) return false;
        const detail = `crash point: ${describeMoment(fault.moment)}`;
        if (fault.action === 'crash') {
          world.record(fault.client, 'crash', `${detail}; the browser crashes and restarts after ${fault.afterMs}ms`);
          client.crash(fault.afterMs);
        } else {
          world.record(fault.client, 'disconnect', `${detail}; the connection drops and the plugin reconnects after ${fault.afterMs}ms`);
          client.disconnect(fault.afterMs);
        }
        return true;
      },
    }),
    faultVerb({
      kind: 'clock-sync',
      schema: z.object({ kind: z.literal('clock-sync'), atMs: milliseconds, client: clientName }).strict(),
      describe: (fault) => `${fault.client}'s clock is corrected at ${fault.atMs}ms`,
      inject: (fault, world) => {
        world.record(fault.client, 'clock sync', 'the clock is corrected (NTP) and now reads true time');
        world.client(fault.client)?.synchroniseClock();
      },
    }),
  ],
  lifelines: lifelinesMatching(/^c\d+$/),
} as const satisfies ComponentDefinition;

/** The network: per-connection links between endpoints. */
const network = {
  name: 'network',
  faults: [
    faultVerb({
      kind: 'partition',
      schema: z.object({ kind: z.literal('partition'), atMs: milliseconds, client: clientName, healAfterMs: milliseconds }).strict(),
      describe: (fault) => `${fault.client} is partitioned at ${fault.atMs}ms for ${fault.healAfterMs}ms`,
      inject: (fault, world) => {
        world.record(fault.client, 'partition', `messages to and from the server are held for ${fault.healAfterMs}ms`);
        world.partition(fault.client, 'server', world.nowMs + fault.healAfterMs);
      },
      draw: (stream, { atMs, client }) => ({ kind: 'partition' as const, atMs, client, healAfterMs: stream.pick([100, 3_000, 30_000]) }),
    }),
    faultVerb({
      kind: 'latency-spike',
      schema: z.object({ kind: z.literal('latency-spike'), atMs: milliseconds, durationMs: milliseconds, factor: z.number().min(1).max(1000) }).strict(),
      describe: (fault) => `latency ×${fault.factor} at ${fault.atMs}ms for ${fault.durationMs}ms`,
      inject: (fault, world) => {
        world.record('network', 'latency spike', `latencies ×${fault.factor} for ${fault.durationMs}ms`);
        world.spikeLatency(fault.factor, world.nowMs + fault.durationMs);
      },
      draw: (stream, { atMs }) => ({ kind: 'latency-spike' as const, atMs, durationMs: stream.pick([500, 5_000]), factor: stream.pick([5, 50]) }),
    }),
  ],
} as const satisfies ComponentDefinition;

/** The RTC server: sessions per document. */
const rtcServer = {
  name: 'rtc-server',
  faults: [
    faultVerb({
      kind: 'server-restart',
      schema: z.object({ kind: z.literal('server-restart'), atMs: milliseconds, downMs: milliseconds }).strict(),
      describe: (fault) => `server restarts at ${fault.atMs}ms (down ${fault.downMs}ms)`,
      inject: (fault, world) => {
        world.record('server', 'restart', `every connection drops; the server is down for ${fault.downMs}ms`);
        world.crash(world.addresses('rtc-server'), fault.downMs);
      },
      draw: (stream, { atMs }) => ({ kind: 'server-restart' as const, atMs, downMs: stream.pick([0, 1_000, 10_000]) }),
    }),
  ],
  lifelines: () => [{ actor: 'server', label: 'server' }],
} as const satisfies ComponentDefinition;

/** The plan's indeterminate timeouts in the config line's words: ` (after 5000ms; 50% of unanswered operations applied)`, or nothing for older plans. */
function describeIndeterminacy(plan: PlanShape): string {
  const parts = [
    ...(plan.keyStoreTimeoutMs === undefined ? [] : [`after ${plan.keyStoreTimeoutMs}ms`]),
    ...(plan.keyStoreIndeterminateAppliedRate === undefined ? [] : [`${plan.keyStoreIndeterminateAppliedRate * 100}% of unanswered operations applied`]),
  ];
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

/** The key store every provider shares: its operations fail by script (here) or by the plan's rates (in the key store). */
const keyStore = {
  name: 'key-store',
  faults: [
    faultVerb({
      kind: 'key-store-failure',
      schema: z.object({ kind: z.literal('key-store-failure'), client: clientName, operationNumber: z.number().int().min(1) }).strict(),
      describe: (fault) => `${fault.client}'s key-store operation #${fault.operationNumber} fails`,
    }),
  ],
  describePlan: (plan) => [`key-store failures ${plan.keyStoreFailureRate * 100}% and timeouts ${plan.keyStoreTimeoutRate * 100}%${describeIndeterminacy(plan)} until ${plan.phaseEndMs}ms`],
  // No rates at all; else timeouts that are never applied (determinate again), the simpler world to read.
  simplerPlans: (plan) => [
    ...(plan.keyStoreFailureRate + plan.keyStoreTimeoutRate > 0 ? [{ ...plan, keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 }] : []),
    ...((plan.keyStoreIndeterminateAppliedRate ?? 0) > 0 ? [{ ...plan, keyStoreIndeterminateAppliedRate: 0 }] : []),
  ],
  lifelines: () => [{ actor: 'keyStore', label: 'key store' }],
} as const satisfies ComponentDefinition;

/** The retention probes: fresh browsers that come after the race. */
const probe = {
  name: 'probe',
  faults: [],
  lifelines: lifelinesMatching(/^probe/),
} as const satisfies ComponentDefinition;

const builtInComponents = [browser, network, rtcServer, keyStore, probe, backendComponent, pageComponent] as const;

/** The components of every run, in the order lifelines are drawn and swarm draws pick fault kinds. */
export const builtInRegistry = new Registry<BuiltInFault>(builtInComponents);

/** A fault the built-in components know, scheduled or scripted. */
export type BuiltInFault = FaultOf<typeof builtInComponents>;

/** The schema of one fault event of the built-in components. */
export const builtInFaultEventSchema = builtInRegistry.faultEventSchema();
