import { checkerOf, type Checker } from '../violation.ts';

/**
 * (i) Provider code stays inside the simulation: a call the sandbox could not route to the simulated clock,
 * randomness or timers (a real timer, the network, the shared global reached by escaping) is reported with
 * the call and the client, since a run that depends on it cannot be trusted to replay.
 */
export function determinism(): Checker {
  return checkerOf('determinism', {
    nondeterminism: (record) => ({ kind: 'nondeterminism', client: record.actor, whose: record.origin ?? 'provider', api: record.api, detail: record.detail }),
  });
}
