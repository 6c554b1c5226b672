import { z } from 'zod';
import { clientName, milliseconds } from '../config/schema-parts.ts';
import { faultVerb, type ComponentDefinition } from './registry.ts';

/**
 * The integrator's backend and its database, in worlds that have one (`--backend`): its process crashes and
 * restarts (module memory lost, database kept), and a response can be lost after its handler ran — the
 * request's effects stay, the browser sees only a failed fetch. The swarm draws these only for such worlds
 * (`drawBackendFaults`), so that worlds without a backend draw exactly what they drew before.
 */
export const backendComponent = {
  name: 'backend',
  faults: [
    faultVerb({
      kind: 'backend-crash',
      schema: z.object({ kind: z.literal('backend-crash'), atMs: milliseconds, downMs: milliseconds }).strict(),
      describe: (fault) => `backend crashes at ${fault.atMs}ms (down ${fault.downMs}ms)`,
      inject: (fault, world) => {
        world.record('backend', 'crash', `the backend process dies: requests in flight are lost, module memory too; the database stays; it starts again after ${fault.downMs}ms (or when the fault phase ends)`);
        world.crashBackend(fault.downMs);
      },
      draw: (stream, { atMs }) => ({ kind: 'backend-crash' as const, atMs, downMs: stream.pick([0, 1_000, 10_000]) }),
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
  ],
  lifelines: (actors) => (actors.some((actor) => actor === 'backend' || actor === 'database') ? [{ actor: 'backend', label: 'backend' }, { actor: 'database', label: 'database' }] : []),
} as const satisfies ComponentDefinition;
