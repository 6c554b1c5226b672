import { afterEach, describe, expect, it } from 'vitest';
import { currentUserEnvironment, machineHooks, setUserEnvironment } from '../../src/backend/machine-hooks.ts';
import type { RoutedConnection } from '../../src/providers/simulated-network.ts';

// What a backend machine adds to its instance: the user's variables (set once per process) under the
// world's, and the connection router when the world has one.
describe("a backend machine's hooks", () => {
  afterEach(() => setUserEnvironment({}));

  it("keeps a copy of the user's variables: a later change to the caller's object does not reach the machines", () => {
    const given: Record<string, string> = { API_KEY: 'abc' };
    setUserEnvironment(given);
    given['API_KEY'] = 'changed';
    expect(currentUserEnvironment()).toEqual({ API_KEY: 'abc' });
  });

  it("the machine's process.env: the user's variables, the world's on top; the router only when there is one", () => {
    setUserEnvironment({ API_KEY: 'abc', DATABASE_URL: 'postgres://mine' });
    const world = { DATABASE_URL: 'postgres://simulated/app' };
    expect(machineHooks({ environment: world })).toEqual({ environment: { API_KEY: 'abc', DATABASE_URL: 'postgres://simulated/app' } });
    expect(Object.hasOwn(machineHooks({}), 'connections')).toBe(false);
    const connections = { connect: () => undefined } as unknown as RoutedConnection;
    expect(machineHooks({ connections })).toEqual({ environment: { API_KEY: 'abc', DATABASE_URL: 'postgres://mine' }, connections });
  });
});
