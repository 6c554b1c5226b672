import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "The header part does not specify an algorithm". */
export const scenario = refusedTokenScenario('The header part does not specify an algorithm', 'no-algorithm.ts', 'leaves the algorithm out of the header');
