import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "The payload part does not contain all required claims". */
export const scenario = refusedTokenScenario('The payload part does not contain all required claims', 'missing-claims.ts', 'leaves out sub and exp');
