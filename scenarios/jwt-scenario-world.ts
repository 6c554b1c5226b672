import type { Scenario } from '../src/scenario.ts';
import { scriptedWorld } from './scripted-world.ts';

/** JWT authentication as the fault-free scenarios use it: 30 s leeway, five-minute tokens. */
export const scenarioAuth = { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300 } as const;

/** A scenario in which one browser presents a token the server must refuse with `errorText`. */
export function refusedTokenScenario(errorText: string, tokenProvider: string, why: string): Scenario {
  return {
    story: [
      `1. c1 opens a new document; its token provider ${why}.`,
      `2. The server refuses the token with "${errorText}" and closes the connection (a jwt disconnect).`,
      '3. The plugin reconnects, gets the same kind of token, and is refused again: c1 never collaborates.',
    ],
    provider: 'examples/providers/good-store-backed-dynamic.ts',
    tokenProvider: `scenarios/token-providers/${tokenProvider}`,
    seed: 1,
    pins: {
      ...scriptedWorld([0]),
      livenessBoundMs: 30_000,
      auth: scenarioAuth,
    },
    expected: 'liveness',
  };
}
