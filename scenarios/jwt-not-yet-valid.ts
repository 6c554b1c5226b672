import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "JWT is not yet valid". */
export const scenario = refusedTokenScenario('JWT is not yet valid', 'not-yet-valid.ts', 'sets nbf ten minutes ahead');
