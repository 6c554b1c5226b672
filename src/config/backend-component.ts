import { z } from 'zod';
import { clientName, milliseconds } from './schema-parts.ts';
import { faultVerb, type ComponentDefinition, type FaultShape, type HostCountsShape, type Lifeline } from './registry.ts';

/** A backend instance's address: `backend` for a world's only instance, `backend#2` among several. */
const instanceAddress = z.string().regex(/^backend(#\d+)?$/, 'a backend instance address such as backend or backend#2');

// The balancer when it acted (a rolling deploy), the instances in the order they were started (the numbers say
// it), then the database they share.
function backendLifelines(actors: readonly string[]): Lifeline[] {
  const instances = [...new Set(actors.filter((actor) => instanceAddress.safeParse(actor).success))].sort((left, right) => instanceNumber(left) - instanceNumber(right));
  if (instances.length === 0 && !actors.includes('database')) return [];
  const balancer = actors.includes('balancer') ? [{ actor: 'balancer', label: 'load balancer' }] : [];
  const lines = (instances.length === 0 ? ['backend'] : instances).map((actor) => ({ actor, label: actor }));
  return [...balancer, ...lines, { actor: 'database', label: 'database' }];
}

function instanceNumber(address: string): number {
  return Number(address.split('#')[1] ?? 1);
}

// Each count below the world's, smallest first; a crash aimed at an instance the smaller world lacks hits the
// instance of the same number modulo the count (one instance: the only one, named by no address).
function fewerInstances<World extends HostCountsShape>(world: World): World[] {
  const instances = world.backendInstances ?? 1;
  const worlds: World[] = [];
  for (let count = 1; count < instances; count++) {
    const plan = world.faults;
    const faults = plan === undefined ? {} : { faults: { ...plan, events: plan.events.map((event) => retargeted(event, count)) } };
    worlds.push({ ...world, backendInstances: count, ...faults });
  }
  return worlds;
}

function retargeted(event: FaultShape, count: number): FaultShape {
  if (event.kind !== 'backend-crash' || !('hosts' in event)) return event;
  const { hosts, ...rest } = event as FaultShape & { readonly hosts: readonly string[] };
  if (count === 1) return rest;
  return { ...rest, hosts: [...new Set(hosts.map((host) => `backend#${((instanceNumber(host) - 1) % count) + 1}`))] } as FaultShape;
}

/**
 * The integrator's backend and its database, in worlds that have one (`--backend`): each instance's process
 * crashes and restarts on its own (module memory lost, database kept), a response can be lost after its
 * handler ran — the request's effects stay, the browser sees only a failed fetch — and a rolling deploy
 * replaces the instances one at a time. The swarm draws these only for such worlds (`withBackendFaults`), so
 * that worlds without a backend draw exactly what they drew before.
 */
export const backendComponent = {
  name: 'backend',
  faults: [
    faultVerb({
      kind: 'backend-crash',
      schema: z.object({ kind: z.literal('backend-crash'), atMs: milliseconds, downMs: milliseconds, hosts: z.array(instanceAddress).min(1).readonly().optional() }).strict(),
      describe: (fault) => `${fault.hosts === undefined ? 'backend' : fault.hosts.join(' and ')} crashes at ${fault.atMs}ms (down ${fault.downMs}ms)`,
      inject: (fault, world) => {
        const hosts = fault.hosts ?? world.addresses('backend');
        for (const host of hosts) {
          world.record(host, 'crash', `the backend process dies: requests in flight are lost, module memory too; the database stays; it starts again after ${fault.downMs}ms (or when the fault phase ends)`);
        }
        world.crash(hosts, fault.downMs);
      },
      // Aimed at one instance when there are several (drawn last, so a one-instance world draws what it did).
      draw: (stream, { atMs, backendInstances }) => {
        const downMs = stream.pick([0, 1_000, 10_000]);
        if (backendInstances <= 1) return { kind: 'backend-crash' as const, atMs, downMs };
        return { kind: 'backend-crash' as const, atMs, downMs, hosts: [`backend#${stream.integer(1, backendInstances)}`] };
      },
    }),
    faultVerb({
      kind: 'response-lost',
      schema: z.object({ kind: z.literal('response-lost'), atMs: milliseconds, client: clientName }).strict(),
      describe: (fault) => `the backend's next response to ${fault.client} after ${fault.atMs}ms is lost`,
      inject: (fault, world) => {
        world.record(fault.client, 'response lost', 'the next response the backend sends this browser is lost on the way (the handler has run)');
        world.loseNextResponse(fault.client);
      },
      draw: (_stream, { atMs, client }) => ({ kind: 'response-lost' as const, atMs, client }),
    }),
    faultVerb({
      kind: 'rolling-deploy',
      schema: z.object({ kind: z.literal('rolling-deploy'), atMs: milliseconds }).strict(),
      describe: (fault) => `a rolling deploy starts at ${fault.atMs}ms`,
      inject: (_fault, world) => {
        world.record('balancer', 'rolling deploy', 'each instance in turn: a new one starts while the old one serves, takes its place once it listens, and the old one drains and stops');
        world.rollingDeploy();
      },
      draw: (_stream, { atMs }) => ({ kind: 'rolling-deploy' as const, atMs }),
    }),
  ],
  fewerHosts: fewerInstances,
  lifelines: backendLifelines,
} as const satisfies ComponentDefinition;
