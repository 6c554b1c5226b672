import { machineEnvironment, type Environment } from '../providers/machine-environment.ts';
import type { RoutedConnection } from '../providers/simulated-network.ts';

let userEnvironment: Environment = {};

/**
 * The user's variables for every backend machine this process simulates (`--env`, `--env-file`, the vitest
 * helper's `env`): set once, before the runs, by the CLI or a pool worker from its options.
 */
export function setUserEnvironment(environment: Environment): void {
  userEnvironment = { ...environment };
}

/** The user's variables as set, for a pool worker's task (each thread has its own copy of this module). */
export function currentUserEnvironment(): Environment {
  return userEnvironment;
}

/** The hooks a backend machine adds to its instance: its `process.env` and its connection router. */
export function machineHooks(machine: { readonly environment?: Environment; readonly connections?: RoutedConnection }): { environment: Environment; connections?: RoutedConnection } {
  const environment = machineEnvironment({ user: userEnvironment, world: machine.environment });
  return machine.connections === undefined ? { environment } : { environment, connections: machine.connections };
}
